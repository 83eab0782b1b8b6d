"""Users and roles on the real databases (SPEC §8): the SQL user store, bearer auth of every
/api/v1 route (401 without valid credentials, 403 below the role), and `flask users`."""

from __future__ import annotations

import pytest

from adapters.sqlalchemy.users import SqlUserStore
from application.user_ports import UserExists
from domain.users import Role, User
from tests.integration.http.conftest import NOW

PASSWORD = "correct horse battery"
STATIC = "static-jobs-api-token-0123456789"

# Every /api/v1 route but the (signed) webhook, with the role it needs. A route missing here
# fails test_every_api_route_is_listed, so a new route cannot ship without its role check.
ROUTES = [
    ("GET", "/api/v1/jobs", Role.VIEWER),
    ("GET", "/api/v1/jobs/<job_id>", Role.VIEWER),
    ("POST", "/api/v1/jobs/<job_id>/retry", Role.OPERATOR),
    ("GET", "/api/v1/reviews", Role.VIEWER),
    ("POST", "/api/v1/jobs/<job_id>/review", Role.REVIEWER),
    ("POST", "/api/v1/jobs/<job_id>/reopen", Role.REVIEWER),
]
UNAUTHENTICATED = {("POST", "/api/v1/webhooks/zendesk")}


def make_user(app, name: str, role: str) -> str:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", name, "--role", role, "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "token", name])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[0]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def call(client, method: str, rule: str, headers: dict):
    path = rule.replace("<job_id>", "no-such-job")
    return client.http.open(path, method=method, headers=headers, json={})


def test_every_api_route_is_listed(client):
    listed = {(m, r) for m, r, _ in ROUTES} | UNAUTHENTICATED
    for rule in client.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in listed, f"{method} {rule.rule} has no role in ROUTES"


@pytest.fixture
def secured(make_client):
    client = make_client(jobs_api_token=STATIC)
    tokens = {role: make_user(client.app, f"user-{role.value}", role.value) for role in Role}
    return client, tokens


@pytest.mark.parametrize(("method", "rule", "required"), ROUTES)
def test_route_refuses_missing_and_wrong_credentials(secured, method, rule, required):
    client, _ = secured
    for headers in (
        {},
        bearer("cit_not-a-token"),
        {"Authorization": f"Basic {STATIC}"},
        {"Authorization": "Bearer "},
    ):
        response = call(client, method, rule, headers)
        assert response.status_code == 401, (headers, response.json)
        assert response.json == {"error": "unauthorized"}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "rule", "required"), ROUTES)
def test_route_checks_the_role(secured, method, rule, required):
    client, tokens = secured
    for role, token in tokens.items():
        response = call(client, method, rule, bearer(token))
        if role.includes(required):
            assert response.status_code not in (401, 403), (role, response.json)
        else:
            assert response.status_code == 403, (role, response.json)
            assert response.json == {"error": "forbidden", "required_role": required.value}
    # JOBS_API_TOKEN acts as the operator `api`.
    response = call(client, method, rule, bearer(STATIC))
    expected_ok = Role.OPERATOR.includes(required)
    assert (response.status_code not in (401, 403)) is expected_ok


def test_open_without_token_and_users_closed_once_a_user_exists(client):
    assert client.get("/api/v1/jobs").status_code == 200
    token = make_user(client.app, "jana", "viewer")
    assert client.get("/api/v1/jobs").status_code == 401
    assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 200


def test_disabled_user_token_stops_working(make_client):
    client = make_client()
    token = make_user(client.app, "jana", "operator")
    assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 200
    result = client.app.test_cli_runner().invoke(args=["users", "disable", "jana"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 401


def test_users_cli_create_list_and_errors(client):
    runner = client.app.test_cli_runner()
    make_user(client.app, "Jana", "reviewer")
    listing = runner.invoke(args=["users", "list"])
    assert listing.exit_code == 0
    assert "jana" in listing.output and "reviewer" in listing.output
    assert "tokens=1" in listing.output and PASSWORD not in listing.output
    for args, stdin, message in [
        (["users", "create", "jana", "--role", "admin", "--password-stdin"], PASSWORD, "exists"),
        (["users", "create", "x y", "--role", "admin", "--password-stdin"], PASSWORD, "username"),
        (["users", "create", "max", "--role", "admin", "--password-stdin"], "short", "at least"),
        (["users", "create", "max", "--role", "boss", "--password-stdin"], PASSWORD, "boss"),
        (["users", "token", "nobody"], None, "no user"),
        (["users", "disable", "nobody"], None, "no user"),
    ]:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0, args
        assert message in result.output, result.output
    assert "max" not in runner.invoke(args=["users", "list"]).output


def test_users_cli_prompts_for_the_password_twice(client):
    runner = client.app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "eva", "--role", "viewer"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    login = client.app.extensions["container"].authenticate_password()
    assert login("eva", PASSWORD).role is Role.VIEWER
    assert login("eva", "wrong password!") is None


def test_sql_user_store(session_factory):
    store = SqlUserStore(session_factory)
    assert not store.any_user()
    user = User("jana", Role.ADMIN, "hash", False, NOW)
    store.add(user)
    with pytest.raises(UserExists):
        store.add(user)
    assert store.get("jana") == user
    assert store.get("nobody") is None
    store.add_token("jana", "a" * 64, NOW)
    assert store.user_for_token("a" * 64, NOW) == user
    assert store.user_for_token("b" * 64, NOW) is None
    [summary] = store.list()
    assert (summary.username, summary.tokens, summary.last_token_used_at) == ("jana", 1, NOW)
    assert store.set_disabled("jana", True) and store.get("jana").disabled
    assert not store.set_disabled("nobody", True)
    assert store.any_user()
