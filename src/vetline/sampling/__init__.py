"""The blind audit sample of a batch result: one mechanism for ``vetline.batch`` and
``vetline.leads`` (issue 16 item 4).

* ``core`` (pure, re-exported here): drawing a stratified sample seeded by the result's
  SHA-256, the verdict vocabulary, precision per band with its Wilson interval, the gate;
* ``reviews``: the one place blind verdicts are stored and read, the ``sample_reviews``
  table keyed by (result SHA-256, row number): a verdict on a row of a result is the same
  verdict whichever workflow asked for it (the leads' review over the API and the web,
  ``vetline batch --judged`` on the console).

Edit here: ``core.py`` for the arithmetic, ``reviews.py`` for what a stored verdict holds.
"""

from vetline.sampling.core import (
    FILE_ANSWERS,
    BandPrecision,
    Verdict,
    band_precision,
    draw,
    precision_gate,
    wilson,
)

__all__ = [
    "FILE_ANSWERS",
    "BandPrecision",
    "Verdict",
    "band_precision",
    "draw",
    "precision_gate",
    "wilson",
]
