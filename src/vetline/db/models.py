"""Every table of the package in one metadata (for Alembic's env and schema tests).

Importing this module imports each domain's models; domains do not import one another.
"""

from __future__ import annotations

import vetline.audit.models
import vetline.auth.models
import vetline.db.work  # noqa: F401 - registers the tables on Base.metadata
from vetline.db.base import Base

metadata = Base.metadata
