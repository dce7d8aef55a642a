"""The analysts' web app: server-rendered pages over the same services as the API.

Public surface: :func:`install_web` (``vetline serve`` calls it on the API app, so pages
and API share one process, one permission gate and one audit trail).

Edit here: a page's handler in ``routes/<area>.py`` (it parses the form and calls the
service the API calls — ``vetline.desk.service``, ``vetline.auth``, ``vetline.audit`` —
never the database), its template in ``templates/``, shared look in ``static/app.css``,
behaviour (clocks, keys, idle lock, the citizenship gate) in ``static/app.js``. Pure view
logic lives beside them and is tested alone: ``waterfall.py`` (the match waterfall),
``compare.py`` (records side by side), ``citizenship.py`` (the signs that gate
enforcement), ``precision.py`` (the measured precision of a probability band),
``charts.py`` (dashboard charts as Vega-Lite, rendered to SVG on the server).
"""

from vetline.web.install import install_web

__all__ = ["install_web"]
