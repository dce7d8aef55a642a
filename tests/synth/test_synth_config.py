"""NoiseConfig: defaults, TOML overrides, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from vetline.errors import BadInput
from vetline.synth import NoiseConfig


def test_defaults_are_rates() -> None:
    cfg = NoiseConfig()
    assert all(0 <= v <= 1 for v in cfg.as_dict().values())
    assert cfg.missing_field == pytest.approx(0.07)
    assert set(NoiseConfig.none().as_dict().values()) == {0.0}


def test_from_toml_overrides_only_given_rates(tmp_path: Path) -> None:
    path = tmp_path / "noise.toml"
    path.write_text("name_typo = 0.1\nmissing_field = 0\n")
    cfg = NoiseConfig.from_toml(path)
    assert cfg.name_typo == 0.1 and cfg.missing_field == 0.0
    assert cfg.dob_swap == NoiseConfig().dob_swap


def test_from_toml_accepts_a_noise_table(tmp_path: Path) -> None:
    path = tmp_path / "noise.toml"
    path.write_text("[noise]\nalias = 0.5\n")
    assert NoiseConfig.from_toml(path).alias == 0.5


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("typos = 0.1", "noise.typos", "unknown noise rate"),
        ("name_typo = 1.5", "noise.name_typo", "between 0 and 1"),
        ("name_typo = 'high'", "noise.name_typo", "must be a number"),
        ("name_typo = true", "noise.name_typo", "must be a number"),
        ("name_typo = ", "", "not valid TOML"),
    ],
)
def test_bad_files_name_the_field(tmp_path: Path, text: str, field: str, problem: str) -> None:
    path = tmp_path / "noise.toml"
    path.write_text(text)
    with pytest.raises(BadInput) as err:
        NoiseConfig.from_toml(path)
    assert field in err.value.field or field in str(err.value)
    assert problem in err.value.problem


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="not found"):
        NoiseConfig.from_toml(tmp_path / "absent.toml")
