"""Policy and charge table: shipped defaults load; bad files fail at start-up, named."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from vetline.errors import BadInput
from vetline.status import load_policy
from vetline.status.charges import RemovalCategory, load_charge_table
from vetline.vocab import MatchLevel

DATA = Path(__file__).resolve().parents[2] / "src" / "vetline" / "data"
# ``shared/`` sits beside the checkout (on developer machines and in CI alike).
NCIC = Path(__file__).resolve().parents[3] / "shared" / "domain" / "data" / "ncic_offense_codes.csv"


def test_shipped_policy_loads_with_every_ncic_code() -> None:
    policy = load_policy()
    assert policy.thresholds.aggravated_felony_min_sentence_days == 365
    assert policy.thresholds.cimt_window_years == 5
    assert policy.gates.detainer_min_match is MatchLevel.POSITIVE
    assert len(policy.charges) >= 457
    with NCIC.open(encoding="utf-8") as fh:
        codes = {r["ncic_code"] for r in csv.DictReader(fh)}
    assert codes <= set(policy.charges.rows)


def test_world_semantics_codes_are_classified_as_agreed() -> None:
    table = load_policy().charges
    expect = {
        "0901": RemovalCategory.AGGRAVATED_FELONY,
        "3530": RemovalCategory.DRUG_TRAFFICKING,
        "3532": RemovalCategory.CONTROLLED_SUBSTANCE,
        "3562": RemovalCategory.MARIJUANA_POSSESSION,
        "5212": RemovalCategory.FIREARM,
        "1301": RemovalCategory.DOMESTIC_VIOLENCE,
        "3802": RemovalCategory.CHILD_ABUSE,
        "5016": RemovalCategory.PROTECTION_ORDER,
        "2303": RemovalCategory.AF_IF_SENTENCE_1Y,
        "2608": RemovalCategory.CIMT,
        "1313": RemovalCategory.NONE,
        "5404": RemovalCategory.NONE,
        "0399": RemovalCategory.NONE,
    }
    for code, category in expect.items():
        row = table.get(code)
        assert row is not None and category in row.removal, code
        assert row.source_note and "pending counsel review" in row.reviewed_by


def _write_policy(tmp: Path, text: str) -> Path:
    shutil.copy(DATA / "charge_categories.csv", tmp / "charge_categories.csv")
    path = tmp / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[recommendation]\ndetainer_min_match = "PROBABLE"\n', "detainer_min_match"),
        ('[recommendation]\nlead_min_match = "POSSIBLE"\n', "lead_min_match"),
        ("[thresholds]\ncimt_window_years = 0\n", "cimt_window_years"),
        ("[thresholds]\nunknown_knob = 1\n", "unknown_knob"),
        (
            '[[priority_tiers]]\ntier = "1"\nlabel = "x"\nwhen_any = ["nationality:MX"]\n',
            "when_any",
        ),
        (
            '[[priority_tiers]]\ntier = "1"\nlabel = "x"\nwhen_any = ["conviction:RELIGION"]\n',
            "when_any",
        ),
        (
            '[[priority_tiers]]\ntier = "1"\nlabel = "x"\nwhen_any = ["birth_country"]\n',
            "when_any",
        ),
        ('[admission_classes]\nimmigrant = ["B2"]\nnonimmigrant = ["B2"]\n', "admission_classes"),
    ],
)
def test_bad_policy_is_refused_naming_the_key(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(BadInput) as err:
        load_policy(_write_policy(tmp_path, text))
    assert field in str(err.value)


def test_protected_characteristic_message(tmp_path: Path) -> None:
    text = '[[priority_tiers]]\ntier = "1"\nlabel = "x"\nwhen_any = ["citizenship:XX"]\n'
    with pytest.raises(BadInput, match="protected characteristic"):
        load_policy(_write_policy(tmp_path, text))


def test_not_toml(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="not valid TOML"):
        load_policy(_write_policy(tmp_path, "thresholds = [\n"))


def _table(tmp: Path, edit: dict[str, str], extra_row: bool = False) -> Path:
    src = DATA / "charge_categories.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[3].update(edit)
    if extra_row:
        rows.append(dict(rows[0]))
    out = tmp / "charges.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


@pytest.mark.parametrize(
    ("edit", "extra", "message"),
    [
        ({"ncic_code": "12"}, False, "row 5 ncic_code"),
        ({"ncic_code": "12A4"}, False, "row 5 ncic_code"),
        ({"removal_category": "SOMETHING"}, False, "row 5 removal_category"),
        ({"source_note": ""}, False, "row 5 source_note"),
        ({"reviewed_by": ""}, False, "row 5 reviewed_by"),
        ({"effective_from": "soon"}, False, "row 5 effective_from"),
        ({}, True, "duplicate code"),
    ],
)
def test_bad_charge_table_rows(
    tmp_path: Path, edit: dict[str, str], extra: bool, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        load_charge_table(_table(tmp_path, edit, extra))


def test_missing_charge_table(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        load_charge_table(tmp_path / "absent.csv")
