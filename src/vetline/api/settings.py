"""The server's settings are vetline's one settings object (``vetline.settings``).

Kept as a name so ``from vetline.api.settings import Settings`` goes on working; the
class, its environment variables and its checks live in ``vetline/settings.py``.
"""

from __future__ import annotations

from vetline.settings import DEFAULT_SECRET, MIN_SECRET_LENGTH, Settings

__all__ = ["DEFAULT_SECRET", "MIN_SECRET_LENGTH", "Settings"]
