"""Who is calling /api/v1/*, and may they? Bearer tokens and role checks (SPEC §8).

`Authorization: Bearer <token>` with a user's API token acts as that user; JOBS_API_TOKEN acts
as the operator `api`. With neither JOBS_API_TOKEN nor any user configured the API stays open
(the original private-network mode) and the caller acts as the operator `anonymous`.
401 when credentials are missing or wrong, 403 when the role is too low.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from dependency_injector.wiring import Provide, inject
from flask import g, request

from application.users.authenticate import AuthenticateToken
from domain.users import Principal, Role
from entrypoints.container import Container
from entrypoints.http.responses import error

OPEN_ACCESS_PRINCIPAL = Principal("anonymous", Role.OPERATOR)
_UNSET = object()


def current_principal() -> Principal | None:
    """The authenticated caller of this request (cached on `g`), or None."""
    cached = g.get("principal", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    g.principal = _authenticate()
    return g.principal


@inject
def _authenticate(
    authenticate: AuthenticateToken = Provide[Container.authenticate_token],
) -> Principal | None:
    header = request.headers.get("Authorization", "")
    principal = None
    if header:
        scheme, _, given = header.strip().partition(" ")
        if scheme.lower() == "bearer":
            principal = authenticate(given)
    elif authenticate.open_access():
        principal = OPEN_ACCESS_PRINCIPAL
    return principal


def unauthorized():
    response = error(401, "unauthorized")
    response.headers["WWW-Authenticate"] = 'Bearer realm="creditor-inbox"'
    return response


def forbidden(required: Role):
    return error(403, "forbidden", required_role=required.value)


def require_role(required: Role) -> Callable:
    """View decorator: 401 without valid credentials, 403 below `required`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                return unauthorized()
            if not principal.can(required):
                return forbidden(required)
            return view(*args, **kwargs)

        wrapper.required_role = required  # type: ignore[attr-defined]
        return wrapper

    return decorate
