"""The operations dashboard: IAQs per hour, response-time percentiles against the clock,
automatic vs analyst share, match levels, queue age — each chart with its numbers beside
it as a table. Filters: period (hours) and AOR.

The numbers come from the desk service's ``desk_stats`` (the call ``GET /v1/ops/desk``
makes) and ``queue_by_age`` (the open queue counted by age in SQL). An AOR filter narrows the
caller's row scope to that AOR — only ever narrower than what the role may see.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, RowScope, ScopeKind, check_aor
from vetline.desk.service.ops import desk_stats, queue_by_age
from vetline.desk.service.triage import CUSTODY_RELEASE
from vetline.errors import BadInput
from vetline.web.charts import ChartCache, bar
from vetline.web.render import page

router = APIRouter(prefix="/web/ops", tags=["web"])
Viewer = Annotated[Principal, Depends(require(Permission.OPS_READ))]
PERIODS = (1, 6, 24, 24 * 7, 24 * 31)
AGE_BUCKETS = ((0, 15, "< 15 min"), (15, 60, "15-60 min"), (60, 240, "1-4 h"),
               (240, 1440, "4-24 h"), (1440, None, "> 24 h"))  # fmt: skip


def _scope(principal: Principal, aor: str) -> RowScope:
    """The caller's scope, narrowed to ``aor`` when one is asked for (never widened)."""
    if not aor:
        return principal.row_scope
    code = check_aor(aor)
    if principal.row_scope.kind is ScopeKind.ALL:
        return RowScope(ScopeKind.OWN_AOR, code)
    if principal.row_scope.kind is ScopeKind.OWN_AOR and principal.row_scope.value == code:
        return principal.row_scope
    raise BadInput("aor", "outside the areas this account may see")


def cache_of(request: Request) -> ChartCache:
    """The app's chart cache (made by ``install_web``)."""
    cache = request.app.state.web_charts
    assert isinstance(cache, ChartCache)
    return cache


def _tables(stats: dict[str, Any], ages: list[int]) -> dict[str, Any]:
    """Every chart's numbers as rows (the tables beside the charts use the same rows)."""
    times = [
        {"who": who, "pct": p, "seconds": round((stats["response_ms"][who][p] or 0) / 1000, 1)}
        for who in ("all", "automatic", "analyst") for p in ("p50", "p90", "p99")
    ]  # fmt: skip
    ages_rows = [
        {"age": label, "queries": n} for (_, _, label), n in zip(AGE_BUCKETS, ages, strict=True)
    ]
    answered = stats["answered"]
    share = [
        {"answered_by": "automatic", "queries": answered - stats["analyst_answered"]},
        {"answered_by": "analyst", "queries": stats["analyst_answered"]},
    ]
    levels = [{"level": k, "queries": v} for k, v in sorted(stats["match_levels"].items())]
    return {"per_hour": stats["per_hour"], "times": times, "share": share, "levels": levels,
            "ages": ages_rows}  # fmt: skip


@router.get("")
def get_dashboard(request: Request, principal: Viewer, state: State) -> Response:
    """The wall-screen dashboard for the period and AOR asked for."""
    raw = request.query_params.get("hours", "24")
    if not raw.isdigit() or int(raw) not in PERIODS:
        raise BadInput("hours", f"one of {', '.join(map(str, PERIODS))}")
    hours = int(raw)
    aor = request.query_params.get("aor", "").strip()
    scope = _scope(principal, aor)
    desk = desk_of(request, state)
    stats = desk_stats(desk, principal.actor(), scope, hours)
    ages = queue_by_age(desk, principal.actor(), scope, [(lo, hi) for lo, hi, _ in AGE_BUCKETS])
    rows = _tables(stats, ages)
    clock_s = CUSTODY_RELEASE.due_in.total_seconds()
    specs = {
        "per_hour": bar(rows["per_hour"], "hour", "count", "IAQs received per hour",
                        x_title="hour (UTC)", y_title="IAQs"),
        "times": bar([{"series": f"{t['who']} {t['pct']}", "seconds": t["seconds"]}
                      for t in rows["times"]], "series", "seconds",
                     "Response time percentiles", y_title="seconds", rule=clock_s,
                     rule_label="custody clock 15 min"),
        "share": bar(rows["share"], "answered_by", "queries", "Automatic vs analyst answers"),
        "levels": bar(rows["levels"], "level", "queries", "Match levels"),
        "ages": bar(rows["ages"], "age", "queries", "Open queue by age"),
    }  # fmt: skip
    leads = _lead_rows(request, principal, state)
    if leads is not None:
        specs["leads"] = bar([{"aor": r["aor"], "outcomes": r["outcomes"]} for r in leads["rows"]],
                             "aor", "outcomes", "Lead outcomes by AOR")  # fmt: skip
    cache = cache_of(request)
    # A slot per chart, scope and period: a drawing is only ever reused for the same view.
    view = f"{scope.kind}:{scope.value}:{hours}"
    drawings = {name: cache.drawing(f"{name}:{view}", spec) for name, spec in specs.items()}
    return page(request, "dashboard.html", principal, stats=stats, rows=rows,
                drawings=drawings, hours=hours, aor=aor.upper(), periods=PERIODS,
                leads=leads)  # fmt: skip


def _lead_rows(request: Request, principal: Principal, state: State) -> dict[str, Any] | None:
    """Lead outcomes by AOR (``LeadsService.metrics``, as ``GET /v1/ops/leads``), for
    those who may read them; citizens and wrong persons shown apart, never folded in."""
    if not principal.can(Permission.LEAD_REVIEW):
        return None
    from vetline.api.routers.leads import leads_of

    metrics = leads_of(request, state).metrics(principal.actor())
    rows = []
    for aor, group in metrics.by.get("aor", {}).items():
        rows.append({"aor": aor, "outcomes": group.outcomes, **group.counts})
    columns = ["aor", "outcomes", *sorted({k for r in rows for k in r} - {"aor", "outcomes"})]
    return {"rows": rows, "columns": columns,
            "diversions": metrics.citizenship_diversions}  # fmt: skip
