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
GENERATOR_VERSION = "1.1.0"


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
