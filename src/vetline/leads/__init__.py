"""Leads: batch results in, confirmed and prioritised leads out to the 25 field offices,
outcomes back (issue 16 items 4-7; reference §4.5, §11.3).

A batch job's verified result (``results.parquet`` + ``manifest.json``) is imported into
NEW leads (lead candidates only, re-checked), a citizenship-review list and a blind
stratified audit sample. Humans review the sample (precision per band with a Wilson
interval); a named lead analyst confirms each lead's identity after a fresh re-check of
the person's records (a citizenship sign diverts); confirmed leads are packaged
(``vetline.documents`` referral) and assigned to the field office of the person's last
known place (the desk's county → AOR table) once the job's measured precision holds; field
officers of that AOR record the outcome, which feeds the lead-quality metrics and opens
source corrections.

Public surface: ``LeadsService`` (one method per command, used by the API and the CLI),
``LeadState`` / ``LIFECYCLE``, ``LeadsPolicy`` / ``load_leads_policy``, the ports
(``PersonCheck``, ``PersonSnapshot``, ``VettingPort``, ``OwnVetting``), ``read_result``.

Edit here: see ``README.md`` beside this file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vetline.leads.lifecycle import LIFECYCLE, LeadState
    from vetline.leads.policy import LeadsPolicy, load_leads_policy
    from vetline.leads.ports import OwnVetting, PersonCheck, PersonSnapshot, Place, VettingPort
    from vetline.leads.results import read_result
    from vetline.leads.service import LeadsService

#: name → module: loaded on first use, so ``vetline --help`` does not pay for pyarrow,
#: the PDF library and the tables when only the CLI's ``leads`` sub-app is registered.
_LAZY = {
    "LIFECYCLE": "lifecycle",
    "LeadState": "lifecycle",
    "LeadsPolicy": "policy",
    "load_leads_policy": "policy",
    "OwnVetting": "ports",
    "PersonCheck": "ports",
    "PersonSnapshot": "ports",
    "Place": "ports",
    "VettingPort": "ports",
    "read_result": "results",
    "LeadsService": "service",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'vetline.leads' has no attribute {name!r}")
    return getattr(importlib.import_module(f"vetline.leads.{_LAZY[name]}"), name)


__all__ = [
    "LIFECYCLE",
    "LeadState",
    "LeadsPolicy",
    "LeadsService",
    "OwnVetting",
    "PersonCheck",
    "PersonSnapshot",
    "Place",
    "VettingPort",
    "load_leads_policy",
    "read_result",
]
