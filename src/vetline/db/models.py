"""Every table of the package in one metadata (for Alembic's env and schema tests).

Importing this module imports each domain's models; domains do not import one another.
"""

from __future__ import annotations

import vetline.audit.models
import vetline.auth.models
import vetline.db.work  # registers the tables on Base.metadata
import vetline.desk.service.asks_models
import vetline.desk.service.models  # noqa: F401 - the query desk's tables
from vetline.db.base import Base

metadata = Base.metadata
