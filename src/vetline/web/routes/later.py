"""A place for the vetting centre's pages, not built yet (its API landed late in this round:
``/v1/cases``...). The page says
plainly what will be here and that it is not built yet — never a mock-up with made-up
data. When ``vetline.vetting`` lands, its pages replace this one (same path, same
permission). (Leads landed: ``routes/leads.py``.)
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


@router.get("/vetting")
def get_vetting(request: Request, principal: Officer) -> Response:
    """Vetting cases: not in this build yet."""
    return page(request, "later.html", principal, area="Vetting cases",
                what="the case checklist, request drafting, supervisor approval and the "
                     "PDF documents (I-247A, notification request, referral); the vetting "
                     "centre's API (/v1/cases, /v1/requests, /v1/citizenship-claims) is in "
                     "this build, its pages are not")  # fmt: skip
