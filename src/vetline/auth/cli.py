"""``vetline users``: add, list, disable, enable, unlock accounts from the console.

Console actions are audited like API actions, with the operating-system user as actor.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vetline.auth import accounts
from vetline.db.cli import DataOpt, UrlOpt, cli_actor, open_database
from vetline.db.uow import UnitOfWork

users_app = typer.Typer(help="User accounts: add, list, disable.", no_args_is_help=True)
console = Console()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def add_cmd(
    username: Annotated[str, typer.Argument(help="Login name (a-z, 0-9, . _ -).")],
    role: Annotated[
        str, typer.Option("--role", help="One of: " + ", ".join(r.value for r in accounts.Role))
    ],
    ori: Annotated[
        str | None, typer.Option("--ori", help="Agency ORI (requesting agency).")
    ] = None,
    aor: Annotated[
        str | None, typer.Option("--aor", help="Area of responsibility (field officer).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    totp: Annotated[bool, typer.Option("--totp", help="Set up a TOTP second factor.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    data: DataOpt = None,
    db_url: UrlOpt = None,
) -> None:
    """Create an account (the password is prompted for, or read from stdin)."""
    new = accounts.NewUser.parse(
        username=username,
        role=role,
        password=_password(password_stdin),
        display_name=name,
        ori=ori,
        aor=aor,
        totp=totp,
    )
    db = open_database(data, db_url)
    try:
        with UnitOfWork(db, cli_actor(), write=True) as uow:
            user, uri = accounts.create_user(uow, new)
            uow.commit()
    finally:
        db.dispose()
    console.print(f"created {user.username} ({user.role}) id={user.id}")
    if uri:
        typer.echo(f"TOTP provisioning URI (shown once): {uri}")


@users_app.command("list")
def list_cmd(data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Every account with its role, bindings and state."""
    db = open_database(data, db_url)
    try:
        with UnitOfWork(db, cli_actor(), write=True) as uow:
            users = accounts.list_users(uow)
            uow.audit("USERS_LISTED", object_type="user", details={"count": len(users)})
            uow.commit()
    finally:
        db.dispose()
    table = Table(title="accounts")
    for column in ("username", "role", "ori", "aor", "state", "2FA", "last login"):
        table.add_column(column)
    for user in users:
        state = "disabled" if user.disabled_at else "locked" if user.locked_at else "active"
        table.add_row(
            user.username,
            user.role,
            user.ori or "",
            user.aor or "",
            state,
            "yes" if user.totp_secret else "",
            user.last_login_at or "",
        )
    console.print(table)


def _change(action: str, username: str, reason: str, data: DataOpt, db_url: UrlOpt) -> None:
    db = open_database(data, db_url)
    try:
        with UnitOfWork(db, cli_actor(), write=True) as uow:
            change = {
                "disable": accounts.disable_user,
                "enable": accounts.enable_user,
                "unlock": accounts.unlock_user,
            }[action]
            user = change(uow, username, reason)
            uow.commit()
    finally:
        db.dispose()
    console.print(f"{action}d {user.username}")


Reason = Annotated[str, typer.Option("--reason", help="Why (recorded in the audit trail).")]


@users_app.command("disable")
def disable_cmd(username: str, reason: Reason, data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Disable an account and end its sessions and tokens."""
    _change("disable", username, reason, data, db_url)


@users_app.command("enable")
def enable_cmd(username: str, reason: Reason, data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Re-enable a disabled account."""
    _change("enable", username, reason, data, db_url)


@users_app.command("unlock")
def unlock_cmd(username: str, reason: Reason, data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Release a lockout after failed logins."""
    _change("unlock", username, reason, data, db_url)


@users_app.command("disable-inactive")
def disable_inactive_cmd(
    days: Annotated[int, typer.Option("--days", help="Inactivity limit (CJIS: 90).")] = 90,
    data: DataOpt = None,
    db_url: UrlOpt = None,
) -> None:
    """Disable every account unused for --days (run daily from cron)."""
    db = open_database(data, db_url)
    try:
        with UnitOfWork(db, cli_actor(), write=True) as uow:
            users = accounts.disable_inactive(uow, days)
            uow.commit()
    finally:
        db.dispose()
    console.print(
        f"disabled {len(users)} inactive account(s): "
        + (", ".join(u.username for u in users) or "none")
    )
