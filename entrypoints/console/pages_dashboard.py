"""The dashboard /console/ (SPEC §9); ?partial=1 returns only the refreshable part."""

from __future__ import annotations

from flask import render_template, request

from domain.users import Role
from entrypoints.console.blueprint import blp, container, current_user, require
from entrypoints.console.chart import build_chart

RECENT_ACTIONS = 10


@blp.route("/", methods=["GET"])
@require(Role.VIEWER)
def dashboard():
    view = container().console.dashboard()()
    if request.args.get("partial"):
        return render_template(
            "console/_dashboard_body.html", d=view, chart=build_chart(view.hours)
        )
    actions = []
    if current_user().can(Role.OPERATOR):
        actions = container().console.audit().recent(RECENT_ACTIONS)
    return render_template(
        "console/dashboard.html", d=view, chart=build_chart(view.hours), actions=actions
    )
