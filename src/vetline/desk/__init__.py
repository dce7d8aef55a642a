"""The query desk's pure front half: IAQ intake, ORIs, AOR routing, IAR text.

Public surface:

* ``accept(body, received=date, directory=...)`` -> ``Intake``: the one intake path the API
  and the CLI share (form recognised, parsed, dates checked, ORI flags, routing decided).
* ``parse_iaq_json(body)`` -> ``IAQ``; ``parse_nlets_iaq(text, received=date)`` ->
  ``NletsQuery`` (the same ``IAQ`` plus intake flags and notes). Bad input raises
  ``InvalidQuery`` (a ``BadInput``) whose ``errors`` are ``[{"field", "problem"}]``.
* ``check_dates(iaq, today)`` refuses future encounters and births; ``iaq.as_of(today)``
  is the date status is assessed at.
* ``validate_ori``, ``shipped_agencies()`` (the directory; ``flags_for(ori)`` gives
  ``UNKNOWN_ORI``), ``route(state, county_fips)`` -> ``Route(aor_code, field_office)``,
  ``route_query(iaq, directory)`` -> ``RoutingDecision(route, basis)`` (custody facility,
  then encounter, then requesting agency).
* ``render_iar_text(iar, dest_ori=..., iaq=...)`` and ``agency_view(iar)``; the IAR
  itself as typed models in ``iar_model.py`` (``IAR``: ``to_json()``, ``agency_view()``).

Where to edit what: field rules in ``iaq.py``, identifier forms in ``identifiers.py``, the
Nlets tag mapping and DOB pivot in ``nlets.py``, the IAR text in ``nlets_iar.py``, the
IAR's keys in ``iar_model.py``, code systems in ``geo.py``; the tables themselves are
data in ``vetline/data`` (``aor.csv``, ``agencies.csv``, ``ncic_locations.csv``), rebuilt
by the scripts named in their docstrings.
Nothing here does I/O beyond reading those shipped tables, or reads the clock.
"""

from vetline.desk.iaq import (
    IAQ,
    Charge,
    Custody,
    Encounter,
    Purpose,
    QueryType,
    Subject,
    check_dates,
    parse_iaq_json,
)
from vetline.desk.intake import Form, Intake, accept
from vetline.desk.nlets import IntakeFlag, NletsQuery, parse_nlets_iaq
from vetline.desk.nlets_iar import agency_view, render_iar_text
from vetline.desk.ori import Agency, AgencyDirectory, OriFlag, shipped_agencies, validate_ori
from vetline.desk.problems import FieldError, InvalidQuery, field_errors
from vetline.desk.routing import Route, RoutingDecision, route, route_query

__all__ = [
    "IAQ",
    "Agency",
    "AgencyDirectory",
    "Charge",
    "Custody",
    "Encounter",
    "FieldError",
    "Form",
    "Intake",
    "IntakeFlag",
    "InvalidQuery",
    "NletsQuery",
    "OriFlag",
    "Purpose",
    "QueryType",
    "Route",
    "RoutingDecision",
    "Subject",
    "accept",
    "agency_view",
    "check_dates",
    "field_errors",
    "parse_iaq_json",
    "parse_nlets_iaq",
    "render_iar_text",
    "route",
    "route_query",
    "shipped_agencies",
    "validate_ori",
]
