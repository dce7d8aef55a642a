"""Lead priority: how soon a field office should look at a person, from conduct only.

Pure: plain record rows (the record store's shape) and a date in, a score and its reasons
out; no database, no clock. What counts (issue 16 item 6, reference §11.3): conviction
severity (by the charge table's removal category and the offence level), active warrants,
INTERPOL red notices and how recent the latest of them is. What never counts (brief
principle 5): nationality, birthplace, citizenship, passport country, language, race,
ethnicity, religion, sex or any other protected characteristic. That is enforced by
construction: ``conduct_of`` keeps only the columns in ``CONDUCT_COLUMNS`` before anything
is read, and ``tests/priority/test_priority.py`` proves with hypothesis that changing any
other field leaves the priority unchanged.

Public surface: ``priority_of(rows, as_of, categories, weights)`` → ``Priority`` (score,
reasons); ``PriorityWeights`` (the points, overridable from ``data/batch.toml``
``[priority]``); ``CONDUCT_COLUMNS``.

Edit here: the points in ``weights.py``; what is read in ``conduct.py``.
"""

from vetline.priority.conduct import CONDUCT_COLUMNS, conduct_of
from vetline.priority.score import Priority, priority_of
from vetline.priority.weights import PriorityWeights

__all__ = ["CONDUCT_COLUMNS", "Priority", "PriorityWeights", "conduct_of", "priority_of"]
