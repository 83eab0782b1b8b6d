"""Login and logout (SPEC §9): session cookie, CSRF token, slowed-down repeated failures."""

from __future__ import annotations

import math

from flask import redirect, render_template, request, session, url_for

from entrypoints.console.blueprint import blp, container, current_user, safe_next


@blp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_url)
        return render_template("console/login.html", next_url=next_url, error=None)
    username = request.form.get("username", "")[:200]
    password = request.form.get("password", "")[:1000]
    result = container().console.login()(username, password, request.remote_addr or "unknown")
    if result.principal is None:
        if result.throttled:
            wait = math.ceil(result.retry_after.total_seconds())
            message = f"Zu viele Fehlversuche. Bitte in {wait} Sekunden erneut versuchen."
            status = 429
        else:
            message = "Benutzername oder Passwort ist falsch."
            status = 401
        page = render_template(
            "console/login.html", next_url=next_url, error=message, username=username
        )
        return page, status
    session.clear()
    session.permanent = True
    session["username"] = result.principal.username
    return redirect(next_url)


@blp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("console.login"))
