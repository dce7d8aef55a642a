"""The one settings object: typed, read from ``VETLINE_*`` once at an edge, passed down.

Why one object built at the edge: each entry point (a CLI command, ``vetline serve`` and
its worker processes, ``vetline demo``, a test) is a composition root. It builds
:class:`Settings` once (``Settings.load``: the environment, then its own command-line
options) and hands it, or the values taken from it, to the database engine, the app
factory and the services. Nothing below an entry point reads the environment, so a test
or a second command in the same process gets exactly the settings it built, and a wrong
value is refused at start, naming its variable.

This module is a leaf: it imports nothing of vetline but ``errors``, so persistence, the
trust packages and every workflow may receive a ``Settings`` without an import cycle.
Objects built from it live with their owners: the authentication limits
(``AuthPolicy.from_settings``), the audit checkpoints (``AnchorLog.for_settings``).

Edit here: a new setting is a field below (environment variable ``VETLINE_<FIELD>``);
CJIS limits are the defaults and the ceilings (``Field(le=...)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from vetline.errors import BadInput

DEFAULT_DATA_DIR = "vetline-data"
SECRET_ENV = "VETLINE_SECRET_KEY"
#: The shipped secret: refused by the server outside demo mode (:meth:`Settings.check_secret`).
DEFAULT_SECRET = "vetline-demo-secret-change-me"
ENV_PREFIX = "VETLINE_"
MIN_SECRET_LENGTH = 32


def sqlite_url(data_dir: Path) -> str:
    """The default database: SQLite at ``<data>/vetline.db`` (absolute, so a worker
    process started elsewhere opens the same file)."""
    return f"sqlite:///{(data_dir / 'vetline.db').resolve()}"


class Settings(BaseSettings):
    """Every setting of vetline; CJIS limits are the defaults and also the ceilings."""

    #: An empty variable counts as unset (``VETLINE_SECRET_KEY=`` is the demo default, as
    #: the console always read it).
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", env_ignore_empty=True)

    data: Path = Path(DEFAULT_DATA_DIR)
    database_url: str | None = None
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    demo_mode: bool = False
    cookie_secure: bool = True
    session_idle_minutes: Annotated[int, Field(ge=1, le=30)] = 30
    session_max_hours: Annotated[int, Field(ge=1, le=12)] = 12
    lockout_threshold: Annotated[int, Field(ge=1, le=100)] = 5
    lockout_window_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    totp_required: bool = False
    token_max_days: Annotated[int, Field(ge=1, le=3650)] = 365
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1_048_576
    #: A list uploaded for vetting (``POST /v1/batch-jobs``, ``/v1/rosters``): streamed to
    #: the job's folder, never held in memory, so far past ``max_body_bytes`` (4 GiB: a
    #: 5M-row list in extract columns is ≈ 0.3–0.5 GB as CSV).
    max_list_bytes: Annotated[int, Field(ge=1024)] = 4 * 1024**3
    rate_limit_per_minute: Annotated[int, Field(ge=1)] = 600
    #: Buckets shared by every worker (``vetline serve`` sets it); None: in this process.
    rate_limit_file: Path | None = None
    #: Requests one worker admits at a time; past it, 503 at once (admission control).
    max_in_flight: Annotated[int, Field(ge=1, le=10_000)] = 64
    #: ``/healthz`` reports not ready below this much free disk in the data folder.
    min_free_bytes: Annotated[int, Field(ge=0)] = 64 * 1024 * 1024
    migrate_on_start: bool = True
    #: Second location for the audit checkpoints (the first is ``<data>/audit-anchor.jsonl``).
    audit_anchor_copy: Path | None = None

    @classmethod
    def load(cls, data: Path | None = None, **options: Any) -> Settings:
        """The environment, overridden by an entry point's own options (``--data``,
        ``--db-url``; an option left out or ``None`` keeps the environment's value).

        A bad value is ``BadInput`` naming its variable (one line, exit 2 at the
        console), not a validation traceback.
        """
        given = {
            key: value for key, value in {"data": data, **options}.items() if value is not None
        }
        try:
            return cls(**given)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else "settings"
            name = f"--{field.replace('_', '-')}" if field in given else ENV_PREFIX + field.upper()
            raise BadInput(name, str(error["msg"])) from None

    def check_secret(self) -> None:
        """Refuse the shipped default or a short secret unless in demo mode."""
        secret = self.secret_key.get_secret_value()
        if self.demo_mode:
            return
        if secret == DEFAULT_SECRET or len(secret) < MIN_SECRET_LENGTH:
            raise BadInput(
                SECRET_ENV,
                f"set a random secret of at least {MIN_SECRET_LENGTH} characters "
                "(the default is only allowed with VETLINE_DEMO_MODE=1)",
            )

    def secret(self) -> str:
        """The secret as console commands use it (an empty one is the demo default): the
        key of the audit checkpoints and the pepper of password and token hashes."""
        return self.secret_key.get_secret_value() or DEFAULT_SECRET

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data folder."""
        return self.database_url or sqlite_url(self.data)

    def as_environment(self) -> dict[str, str]:
        """These settings as ``VETLINE_*`` variables, for a process that must build its own
        from the environment (``vetline serve``'s uvicorn workers); unset options left out."""
        env: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, bool):
                value = "1" if value else "0"
            elif isinstance(value, Path):
                value = value.resolve()
            env[ENV_PREFIX + name.upper()] = str(value)
        return env


def resolve_data_dir(data: Path | None) -> Path:
    """``--data`` if given, else ``$VETLINE_DATA``, else ``./vetline-data`` (the data folder
    of :meth:`Settings.load`, for a command that needs nothing else)."""
    return Settings.load(data).data
