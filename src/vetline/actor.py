"""Who is acting: the one value every unit of work, audit event and permission check carries.

A leaf (it imports nothing of vetline) so the persistence layer, the audit trail, the
accounts and every workflow can name the actor without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: copied into every audit event the unit of work writes.

    ``via`` is ``session`` (web), ``token`` (agency system), ``cli`` (an operator at the
    console) or ``system``; ``client`` is the IP address or host the request came from.
    """

    user_id: str | None
    username: str
    role: str | None = None
    ori: str | None = None
    via: str = "system"
    client: str | None = None

    @classmethod
    def system(cls, name: str = "vetline") -> Actor:
        """The software itself (migrations, start-up)."""
        return cls(user_id=None, username=name, via="system")

    @classmethod
    def anonymous(cls, client: str | None, via: str = "session") -> Actor:
        """Someone not (yet) authenticated, e.g. a failed login."""
        return cls(user_id=None, username="anonymous", via=via, client=client)
