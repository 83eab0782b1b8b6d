"""The dashboard /console/ (SPEC §9); ?partial=1 returns only the refreshable part."""

from __future__ import annotations

from flask import render_template, request

from domain.users import Role
from entrypoints.console.blueprint import blp, container, require
from entrypoints.console.chart import build_chart


@blp.route("/", methods=["GET"])
@require(Role.VIEWER)
def dashboard():
    view = container().console.dashboard()()
    template = (
        "console/_dashboard_body.html" if request.args.get("partial") else "console/dashboard.html"
    )
    return render_template(template, d=view, chart=build_chart(view.hours))
