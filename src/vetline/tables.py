"""Every table of the package in one metadata (for Alembic's autogenerate and schema tests).

A composition module at the top of the package, like ``serve``: importing it imports each
domain's models, so it sits above all of them (in ``db`` it made persistence import every
domain, a cycle). Alembic's environment uses the same ``Base.metadata`` object (for its
naming convention) without importing this module.

Edit here: a new package with tables adds one import line.
"""

from __future__ import annotations

import vetline.audit.models
import vetline.auth.models
import vetline.batch.models  # batch jobs
import vetline.db.work  # registers the tables on Base.metadata
import vetline.desk.service.asks_models  # agencies' asks (expedite, explain)
import vetline.desk.service.models  # the query desk's tables
import vetline.leads.models
import vetline.sampling.reviews  # blind verdicts on audit-sample rows (batch and leads)
import vetline.vetting.models  # noqa: F401 - the vetting centre's tables
from vetline.db.base import Base

metadata = Base.metadata
