"""What the desk's query path returns to its entry points: the typed IAR and its JSON.

Its own module so that both the service (``submit``) and the writing path
(``Worked.submission``) build it without importing each other. The JSON is made at this
edge only: ``Submission.iar`` (the CLI's line, the API's body for staff) and ``view``
(the agency's view for anyone else).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vetline.auth.roles import RowScope, ScopeKind
from vetline.desk.iar_model import IAR
from vetline.desk.nlets_iar import agency_view
from vetline.desk.service.lifecycle import QueryState


@dataclass(frozen=True)
class Submission:
    """What ``submit`` returns: the typed IAR (full, internal), its query, whether it is new.

    ``document``: the IAR's JSON when the desk has already made it (the stored form of a
    query just answered), so the API's response does not serialise the IAR twice.
    """

    query_id: str
    state: QueryState
    record: IAR | None
    created: bool
    document: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.document is None and self.record is not None:  # read back from storage
            object.__setattr__(self, "document", self.record.to_json())

    @property
    def iar(self) -> dict[str, Any] | None:
        """The IAR as JSON (full, internal): what the CLI prints and the API sends staff."""
        return self.document

    def view(self, scope: RowScope) -> dict[str, Any] | None:
        """The IAR JSON as the caller may see it (the edge: the API's response body)."""
        return None if self.iar is None else view_for(self.iar, scope)


def is_staff(scope: RowScope) -> bool:
    """ICE staff (all rows, or their AOR) see the whole IAR; anyone else the agency view."""
    return scope.kind in (ScopeKind.ALL, ScopeKind.OWN_AOR)


def view_for(iar: dict[str, Any], scope: RowScope) -> dict[str, Any]:
    """The IAR JSON as ``scope`` may see it (``is_staff``: whole, else the agency view)."""
    return iar if is_staff(scope) else agency_view(iar)


def typed_view(iar: IAR, scope: RowScope) -> IAR:
    """``view_for`` on the typed IAR."""
    return iar if is_staff(scope) else iar.agency_view()
