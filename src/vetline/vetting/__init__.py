"""The vetting centre: from an actionable IAR to a reviewed, approved and served decision,
with its forms, its clock and its way back (issue 15; reference §4, §6, §11.2).

Public surface:

* ``VettingService(desk, settings)`` over the desk's service (database, clock, lookup,
  policy); ``VettingSettings`` (custody-deadline rule, claim clock, form office lines).
* ``install_intake(svc)``: the desk tells the centre of every finalised IAR
  (``DeskService.on_answered``); ``intake.open_case`` / ``intake.sweep`` open cases.
* Commands, one function each for API and CLI: ``cases`` (review, marks, checklist,
  close, revet, changes), ``sweep.sweep`` (claim escalation, detainer lapse; its notices
  in ``notices``), ``requests`` (draft … cancel, documents), ``claims`` (file,
  assign, determine), ``corrections`` (source errors), ``ops.vetting_stats``.
* The rules (``rules.py``, each with its citation) and the lifecycles (``states.py``).

Edit here: see README.md beside this file.
"""

from vetline.vetting import cases, claims, corrections, intake, notices, ops, requests, sweep
from vetline.vetting.intake import CaseIntake
from vetline.vetting.service import VettingService, VettingSettings


def install_intake(svc: VettingService) -> CaseIntake:
    """Have the desk open cases for finalised, actionable IARs (idempotent)."""
    hook = CaseIntake(svc)
    svc.desk.on_answered = hook
    return hook


__all__ = [
    "CaseIntake",
    "VettingService",
    "VettingSettings",
    "cases",
    "claims",
    "corrections",
    "install_intake",
    "intake",
    "notices",
    "ops",
    "requests",
    "sweep",
]
