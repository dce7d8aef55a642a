"""``vetline tokens create|list``: API tokens from the console, through the API's own service.

``POST /v1/tokens`` issues a token to the logged-in caller; so does this: the account's
owner logs in here (password, and the second factor if the account has one) through the
same ``login`` the API uses — failures counted, lockouts and audit events alike — and
``issue_token`` does the rest, exactly as for the route. The short session the log-in
opens is closed at once. The token's value is printed once and never stored in clear.

The server's secret signs nothing here but peppers the token's stored hash, so this
command must run with the server's ``VETLINE_SECRET_KEY`` (or ``VETLINE_DEMO_MODE=1`` for
the demo's server), else the server would not recognise the token.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import replace
from typing import Annotated

import typer
from rich.console import Console

from vetline.auth.errors import Forbidden
from vetline.auth.login import login, logout
from vetline.auth.policy import AuthPolicy
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, permissions_of
from vetline.auth.tokens import issue_token, list_tokens
from vetline.db.cli import DataOpt, UrlOpt, open_database
from vetline.db.engine import Database
from vetline.db.uow import Actor, UnitOfWork
from vetline.errors import BadInput

tokens_app = typer.Typer(
    help="API tokens for one's own account: create (shown once), list.", no_args_is_help=True
)
console = Console()

UserArg = Annotated[str, typer.Argument(help="The account the token belongs to (its owner).")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin.")
]
TotpOpt = Annotated[
    str | None, typer.Option("--totp", help="Second-factor code, if the account has one.")
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True))


def _policy(db_url: str | None) -> AuthPolicy:
    from vetline.api.settings import Settings

    settings = Settings.load(database_url=db_url)
    settings.check_secret()  # the server's secret peppers the token's hash
    return AuthPolicy.from_settings(settings)


def _logged_in(
    db: Database, policy: AuthPolicy, username: str, password: str, totp: str | None
) -> Principal:
    """The owner, logged in as through ``POST /v1/auth/login`` (``BadInput`` when refused)."""
    client = f"cli:{socket.gethostname()[:60]}"
    with UnitOfWork(db, Actor.anonymous(client, via="cli"), write=True) as uow:
        outcome = login(uow, policy, username, password, totp, client)
        uow.commit()  # failures too: the counter, the lockout and their audit events
    if outcome.principal is None:
        raise BadInput("password", outcome.failure or "login refused")
    return outcome.principal


@tokens_app.command("create")
def create_cmd(
    username: UserArg,
    name: Annotated[
        str, typer.Option("--name", help="The system that will use it (e.g. 'RMS gateway').")
    ],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope",
            help="A permission the token may use (repeat): "
            + ", ".join(p.value for p in Permission),
        ),
    ],
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", min=1, help="Days until it expires.")
    ] = None,
    password_stdin: PasswordStdin = False,
    totp: TotpOpt = None,
    data: DataOpt = None,
    db_url: UrlOpt = None,
) -> None:
    """Issue an API token for one's own account; its value is printed once."""
    policy = _policy(db_url)
    db = open_database(data, db_url)
    try:
        session = _logged_in(db, policy, username, _password(password_stdin), totp)
        owner = replace(session, via="cli")
        try:
            with UnitOfWork(db, owner.actor(), write=True) as uow:
                if not owner.can(Permission.TOKENS_OWN):  # the route's require(TOKENS_OWN)
                    raise Forbidden(f"role {owner.role} does not hold API tokens")
                clear, token = issue_token(uow, policy, owner, name, scope, expires_days)
                uow.commit()
        finally:
            _log_out(db, session)
    except Forbidden as exc:
        raise BadInput(username, str(exc)) from None
    finally:
        db.dispose()
    console.print(
        f"token {token.id} for {owner.username} ({token.scopes}), expires {token.expires_at}",
        highlight=False,
        soft_wrap=True,
    )
    typer.echo(clear)  # alone on the last line: `TOKEN=$(vetline tokens create … | tail -1)`


@tokens_app.command("list")
def list_cmd(
    username: UserArg,
    password_stdin: PasswordStdin = False,
    totp: TotpOpt = None,
    data: DataOpt = None,
    db_url: UrlOpt = None,
) -> None:
    """One's own tokens (never their values), as ``GET /v1/tokens`` lists them."""
    policy = _policy(db_url)
    db = open_database(data, db_url)
    try:
        session = _logged_in(db, policy, username, _password(password_stdin), totp)
        _log_out(db, session)
        if Permission.TOKENS_OWN not in permissions_of(session.role):
            raise BadInput(username, f"role {session.role} does not hold API tokens")
        with UnitOfWork(db, replace(session, via="cli").actor(), read_only=True) as uow:
            for t in list_tokens(uow, session.user_id):
                state = "revoked" if t.revoked_at else f"expires {t.expires_at}"
                console.print(f"{t.id}  {t.name}  [{t.scopes}]  {state}", highlight=False)
    finally:
        db.dispose()


def _log_out(db: Database, session: Principal) -> None:
    """End the session the log-in opened: it was only for this command."""
    with UnitOfWork(db, replace(session, via="cli").actor(), write=True) as uow:
        logout(uow, session)
        uow.commit()
