"""Noise rates of the synthetic world, and the constants every generator module shares.

Real record systems are dirty in known ways (see ``docs/world-semantics.md`` and the domain
reference §6): fields go missing, clerks swap day and month, type one digit wrong, record a
nickname or half of a double surname. Each of those is a rate here so that evaluation can
ask "does linkage survive 2 % typos?" by changing one number, and so that tests can check
the realised rate against the configured one.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from vetline.errors import BadInput

#: Default reference date of a world: ``true_status`` and ``removable`` hold as of this day.
DEFAULT_AS_OF = date(2026, 11, 1)

#: Bump when the world's content changes for the same seed (written to ``world.json``).
GENERATOR_VERSION = "1.2.0"


@dataclass(frozen=True)
class NoiseConfig:
    """Per-record noise probabilities. Each rate applies to the records where it can apply.

    ``missing_field`` blanks each optional identity field independently; ``dob_swap`` only
    applies where day and month are both ≤ 12 and differ; ``nickname``, ``translit``,
    ``name_order_swap``, ``surname_variant``, ``accent_strip`` and ``punct_variant`` only
    apply to names that have such a variant (an English given name with a nickname, a
    name with transliteration variants, a Chinese/Korean/Vietnamese name, a Hispanic
    double surname, a name with accents, a name with a hyphen/apostrophe/space).
    ``citizen_wrong_pob`` is the share of U.S.-born citizens' criminal/custody records that
    carry a foreign birthplace (the Gonzalez error); ``alias`` applies to the systems that
    collect aliases (criminal, custody, encounters, warrants, interpol).
    ``parent_a_number`` is the share of children (derivation cases) whose LPR row names
    the parent by an A-number with one digit wrong (the Davino Watson case): the parent
    cannot be found, so derivation cannot be checked.
    """

    missing_field: float = 0.07
    dob_swap: float = 0.015
    dob_partial: float = 0.02
    id_digit: float = 0.01
    wrong_sex: float = 0.005
    name_typo: float = 0.025
    nickname: float = 0.03
    translit: float = 0.30
    name_order_swap: float = 0.15
    surname_variant: float = 0.25
    accent_strip: float = 0.50
    punct_variant: float = 0.30
    alias: float = 0.10
    citizen_wrong_pob: float = 0.10
    parent_a_number: float = 0.02

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BadInput(f"noise.{f.name}", f"must be a number, got {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise BadInput(f"noise.{f.name}", f"must be a rate between 0 and 1, got {value}")

    @classmethod
    def from_toml(cls, path: Path) -> NoiseConfig:
        """Defaults overridden by a TOML file of ``name = rate`` (optionally under ``[noise]``)."""
        try:
            data: dict[str, Any] = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise BadInput(str(path), "noise file not found") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(str(path), f"not valid TOML: {exc}") from exc
        if isinstance(data.get("noise"), dict):
            data = data["noise"]
        # A ``[lookalikes]`` table in the same file belongs to ``LookalikeConfig``.
        data = {k: v for k, v in data.items() if k != "lookalikes"}
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BadInput(
                f"noise.{unknown[0]}", f"unknown noise rate; known: {', '.join(sorted(known))}"
            )
        return cls(**data)

    @classmethod
    def none(cls) -> NoiseConfig:
        """A noiseless world: every record carries the person's true identity."""
        return cls(**{f.name: 0.0 for f in fields(cls)})

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


#: Look-alike kinds in the order they are made (``LookalikeConfig`` field per kind).
LOOKALIKE_KINDS: tuple[str, ...] = (
    "SAME_NAME_DOB",
    "TWINS",
    "CITIZEN_REMOVABLE",
    "CITIZEN_WRONG_BIRTHPLACE",
    "NAME_VARIANT",
    "CRIMINAL_ONLY_CITIZEN",
    "JR_SR",
)


@dataclass(frozen=True)
class LookalikeConfig:
    """Shares of the world's people made into look-alike pairs, one knob per kind.

    Look-alikes are what wrongly detains people (domain reference §6): a citizen who
    shares a removable stranger's name, date of birth and sex, with the other signals
    arranged the way they mislead in real records. Each share is of *people* (a pair is
    two), made within a chunk; 0 turns a kind off. The defaults are small but non-zero so
    every standard world carries every kind; adversarial evaluations raise them.

    * ``same_name_dob``: unrelated people, same name, sex and date of birth.
    * ``twins``: same surname, date of birth, birth country and address; other first names.
    * ``citizen_removable``: a citizen with a removable person's name, sex and DOB.
    * ``citizen_wrong_birthplace``: a U.S.-born citizen whose criminal and custody records
      carry the removable stranger's (foreign) birth country — the Gonzalez error on
      every arrest, not by chance on one.
    * ``name_variant``: a citizen whose name is a variant of the stranger's (double
      surname truncated or swapped, nickname, transliteration), same DOB and sex.
    * ``criminal_only_citizen``: a U.S.-born citizen known only to criminal systems (FBI
      number, SID, SSN; never fingerprinted into IDENT) and a stranger known only to
      immigration systems (A-number, FIN; never arrested): no identifier type in common;
      same name, DOB, sex and (wrongly recorded) birth country.
      ``criminal_only_same_state`` of these pairs live in the same county, the rest in
      different states; where the stranger has two surnames, ``criminal_only_truncated``
      of the citizens carry only the first (the case issue 11 found merged).
    * ``jr_sr``: a removable father and his U.S.-born son of the same name (Jr/Sr),
      20-35 years apart; ``jr_sr_same_address`` of them at the same address.
    """

    same_name_dob: float = 0.012
    twins: float = 0.006
    citizen_removable: float = 0.01
    citizen_wrong_birthplace: float = 0.004
    name_variant: float = 0.006
    criminal_only_citizen: float = 0.006
    jr_sr: float = 0.004
    criminal_only_same_state: float = 0.5
    criminal_only_truncated: float = 0.5
    jr_sr_same_address: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BadInput(f"lookalikes.{f.name}", f"must be a number, got {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise BadInput(
                    f"lookalikes.{f.name}", f"must be a share between 0 and 1, got {value}"
                )
        total = sum(self.shares().values())
        if total > 0.5:
            # Pairs draw from particular scenarios (citizens, removable people); beyond
            # half the world they would run out and the shares would silently not hold.
            raise BadInput("lookalikes", f"shares add up to {total:.3f}; at most 0.5")

    def shares(self) -> dict[str, float]:
        """Share of people per look-alike kind (``LOOKALIKE_KINDS`` order)."""
        return {k: float(getattr(self, k.lower())) for k in LOOKALIKE_KINDS}

    @classmethod
    def from_toml(cls, path: Path) -> LookalikeConfig:
        """Defaults overridden by the ``[lookalikes]`` table of a TOML file (the noise
        file may carry it; a file without one gives the defaults)."""
        try:
            data: dict[str, Any] = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise BadInput(str(path), "look-alike file not found") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(str(path), f"not valid TOML: {exc}") from exc
        table = data.get("lookalikes", {})
        if not isinstance(table, dict):
            raise BadInput("lookalikes", "must be a TOML table of kind = share")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise BadInput(
                f"lookalikes.{unknown[0]}", f"unknown knob; known: {', '.join(sorted(known))}"
            )
        return cls(**table)

    @classmethod
    def none(cls) -> LookalikeConfig:
        """No look-alikes made on purpose (collisions of common names still happen)."""
        return cls(**{k.lower(): 0.0 for k in LOOKALIKE_KINDS})

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}
