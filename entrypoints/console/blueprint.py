"""The console blueprint: session users, role checks, CSRF on every POST, security headers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError

from application.ports import StorageUnavailable
from domain.users import Principal, Role

blp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

# No inline script or style anywhere: every script and stylesheet comes from /console/static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
ROLE_LABELS = {
    Role.VIEWER: "Lesen",
    Role.REVIEWER: "Prüfen",
    Role.OPERATOR: "Betrieb",
    Role.ADMIN: "Verwaltung",
}


def container():
    return current_app.extensions["container"]


def current_user() -> Principal | None:
    """The logged-in user of this request, re-checked against the store (disabled → logged out)."""
    if "user" in g:
        return g.user
    principal = None
    username = session.get("username")
    if username:
        user = container().user_store().get(username)
        if user is not None and not user.disabled:
            principal = user.principal
        else:
            session.clear()
    g.user = principal
    return principal


def safe_next(target: str | None) -> str:
    """Only a path inside the console; anything else (other hosts, //evil) goes home."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/console"):
            return target
    return url_for("console.dashboard")


def require(role: Role) -> Callable:
    """Console view decorator: anonymous → 302 to the login page; too low a role → 403 page."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
            if not user.can(role):
                return render_error(403, "Für diese Seite fehlt Ihnen die Berechtigung.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def render_error(code: int, message: str):
    return render_template("console/error.html", code=code, message=message), code


@blp.before_request
def check_csrf():
    if request.method == "POST":
        from entrypoints.console import csrf

        csrf.protect()


@blp.errorhandler(CSRFError)
def csrf_refused(exc: CSRFError):
    return render_error(
        400,
        "Das Formular ist abgelaufen oder ungültig (Sicherheitsmerkmal fehlt). "
        "Bitte die Seite neu laden und erneut senden.",
    )


@blp.errorhandler(StorageUnavailable)
def storage_unavailable(exc: StorageUnavailable):
    g.user = None  # the page must not ask the database who is logged in
    response = current_app.make_response(
        render_error(
            503, "Die Datenbank antwortet gerade nicht. Bitte gleich noch einmal versuchen."
        )
    )
    response.headers["Retry-After"] = "5"
    return response


@blp.after_request
def security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        # Pages show personal data: never keep them in a shared cache or the back button.
        response.headers["Cache-Control"] = "no-store"
    return response


@blp.app_template_global()
def role_label(role: Role) -> str:
    return ROLE_LABELS.get(role, str(role))


@blp.app_context_processor
def inject_user():
    if request.blueprint != "console":
        return {}
    return {"user": current_user(), "Role": Role}
