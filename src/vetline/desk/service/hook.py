"""The ``on_answered`` port: how whoever acts on finalised IARs plugs into the desk.

The vetting centre's case intake implements it; the desk only knows this protocol, so the
desk never imports a workflow above it. Its own module so that the contract (what is
asked first, what runs inside the desk's transaction, what after the commit) reads apart
from the submit path that honours it (``DeskService._write_batch``, ``notify_answered``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from vetline.db.uow import UnitOfWork
from vetline.desk.iar_model import IAR
from vetline.desk.service.writing import Answered


class AnsweredHook(Protocol):
    """A port for whoever acts on finalised IARs (the vetting centre's case intake).

    ``wants`` is asked first, on the desk's own path, and must be cheap and pure; only
    when it says yes is the hook called, after the IAR is committed (outside the desk's
    transaction: a failing hook never takes back an IAR already sent). ``answered``, when
    the desk has it (an automatic answer it has just written), is the stored row and the
    person core's ``Outcome`` the IAR was built from: the same working-out, so the hook
    need not read the row back nor work the query out again (issue 18: that doubled the
    CPU of an actionable IAQ). ``iar`` is the typed IAR (``vetline.desk.iar_model``).
    ``in_transaction`` comes first, for the desk's automatic answers: what the hook does
    there is durable with the IAR, in the same commit (issue 18 goal 1: a second
    transaction per IAQ after the commit was the largest cost outside the person core).
    """

    def wants(self, query_type: str, iar: IAR) -> bool: ...

    def in_transaction(self, uow: UnitOfWork, answered: Sequence[Answered]) -> set[str]:
        """Act on ``answered`` (jobs the hook wants, just inserted) inside the desk's own
        group-commit transaction, before its commit; the query ids acted on. The desk
        runs it under a savepoint (``UnitOfWork.savepoint``): when it raises, its
        statements and audit events are undone and the IARs written without it. The
        jobs not returned go to ``__call__`` after the commit."""
        ...

    def __call__(
        self,
        query_id: str,
        query_type: str,
        iar: IAR,
        answered: Answered | None = None,
    ) -> None: ...
