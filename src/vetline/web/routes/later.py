"""Places for the workflows that have not landed in this build: vetting cases and batch
leads. Each page says plainly what will be here and that it is not built yet — never a
mock-up with made-up data. When ``vetline.vetting`` or ``vetline.leads`` lands, its pages
replace these (same paths, same permissions).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vetline.api.deps import require
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.web.render import page

router = APIRouter(prefix="/web", tags=["web"])
Officer = Annotated[Principal, Depends(require(Permission.CASE_DECIDE))]
LeadReader = Annotated[Principal, Depends(require(Permission.LEAD_READ))]


@router.get("/vetting")
def get_vetting(request: Request, principal: Officer) -> Response:
    """Vetting cases: not in this build yet."""
    return page(request, "later.html", principal, area="Vetting cases",
                what="the case checklist, request drafting, supervisor approval and the "
                     "PDF documents (I-247A, notification request, referral)")  # fmt: skip


@router.get("/leads")
def get_leads(request: Request, principal: LeadReader) -> Response:
    """Batch leads: not in this build yet."""
    return page(request, "later.html", principal, area="Batch leads",
                what="batch jobs with their progress, the blind audit-sample review and "
                     "leads by AOR")  # fmt: skip
