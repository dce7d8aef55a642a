"""The leads' view of the one audit-sample mechanism (``vetline.sampling``): drawing,
verdicts, precision per band with its Wilson interval, the precision gate.

Kept as a module so the leads' imports (and their tests) name it as before; the
arithmetic lives in ``vetline.sampling``, shared with ``vetline.batch``.
"""

from __future__ import annotations

from vetline.sampling import (
    BandPrecision,
    Verdict,
    band_precision,
    draw,
    precision_gate,
    wilson,
)

__all__ = ["BandPrecision", "Verdict", "band_precision", "draw", "precision_gate", "wilson"]
