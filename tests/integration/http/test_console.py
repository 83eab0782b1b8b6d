"""The web console over HTTP on SQLite and PostgreSQL (SPEC §9): login, roles, CSRF, pages,
operator actions and their audit. The browser tests (tests/browser/) drive the same in Chromium."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.sqlalchemy.orm import claim_updates
from application.console.views import JobFilter
from tests.integration.http.conftest import payload
from tests.integration.http.console_helpers import (
    PASSWORD,
    create_user,
    csrf_token,
    log_in,
    seed_failed,
    seed_review,
)

# Every console route with the role it needs (None: public). A new route must be listed here.
ROUTES = [
    ("GET", "/console/login", None),
    ("POST", "/console/login", None),
    ("POST", "/console/logout", None),
    ("GET", "/console/", "viewer"),
    ("GET", "/console/jobs", "viewer"),
    ("GET", "/console/jobs/<job_id>", "viewer"),
    ("POST", "/console/jobs/<job_id>/retry", "operator"),
    ("POST", "/console/jobs/bulk-retry", "operator"),
    ("POST", "/console/recover", "operator"),
    ("GET", "/console/reviews", "viewer"),
    ("GET", "/console/reviews/<job_id>", "viewer"),
    ("POST", "/console/reviews/<job_id>/decide", "reviewer"),
    ("GET", "/console/static/<path:filename>", None),
]


def _audit(client) -> list[dict]:
    engine = client.app.extensions["container"].engine()
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT actor, action, target FROM console_actions ORDER BY id")
        )
        return [dict(row._mapping) for row in rows]


def _status(client, job_id: str) -> str:
    engine = client.app.extensions["container"].engine()
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT status FROM email_jobs WHERE id = :id"), {"id": job_id}
        ).scalar_one()


def test_every_console_route_is_listed(client):
    found = {
        (method, rule.rule)
        for rule in client.app.url_map.iter_rules()
        if rule.rule.startswith("/console")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert found == {(method, path) for method, path, _ in ROUTES}


@pytest.mark.parametrize("method, path, role", [r for r in ROUTES if r[2]])
def test_anonymous_requests_are_sent_to_the_login_page(client, method, path, role):
    url = path.replace("<job_id>", "some-job")
    response = client.http.open(url, method=method)
    if method == "POST":
        # No session, no CSRF token: refused before anything runs.
        assert response.status_code == 400
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/console/login?next=")


def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(client):
    create_user(client.app, "jana", "viewer")
    response = log_in(client.http, "jana")
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = client.get("/console/")
    assert page.status_code == 200 and "Übersicht" in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in page.text and " style=" not in page.text
    client.post("/console/logout", data={"csrf_token": csrf_token(page.text)})
    assert client.get("/console/").status_code == 302


def test_cookie_is_secure_in_production(make_client):
    client = make_client(app_env="production", secret_key="k" * 40)
    create_user(client.app, "jana", "viewer")
    assert "Secure" in log_in(client.http, "jana").headers["Set-Cookie"]


def test_wrong_password_and_disabled_users_do_not_get_in(client):
    create_user(client.app, "jana", "viewer")
    response = log_in(client.http, "jana", "wrong password!")
    assert response.status_code == 401 and "Passwort ist falsch" in response.text
    log_in(client.http, "jana")
    client.app.extensions["container"].user_store().set_disabled("jana", True)
    assert client.get("/console/").status_code == 302


def test_repeated_failed_logins_are_slowed_down(client):
    create_user(client.app, "jana", "viewer")
    for _ in range(5):
        assert log_in(client.http, "jana", "wrong password!").status_code == 401
    response = log_in(client.http, "jana")
    assert response.status_code == 429 and "Zu viele Fehlversuche" in response.text
    client.clock.advance(seconds=3)
    assert log_in(client.http, "jana").status_code == 302


def test_open_redirects_are_refused(client):
    create_user(client.app, "jana", "viewer")
    page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={
            "username": "jana",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"] == "/console/"


def test_a_form_without_csrf_token_is_refused_and_changes_nothing(client):
    create_user(client.app, "olga", "operator")
    log_in(client.http, "olga")
    (job_id,) = seed_failed(client)
    response = client.post(f"/console/jobs/{job_id}/retry")
    assert response.status_code == 400 and "Sicherheitsmerkmal" in response.text
    assert _status(client, job_id) == "failed"
    assert _audit(client) == []


def test_viewer_sees_no_email_body_and_no_actions(client):
    create_user(client.app, "vera", "viewer")
    log_in(client.http, "vera")
    (job_id,) = seed_failed(client)
    page = client.get(f"/console/jobs/{job_id}")
    assert page.status_code == 200
    assert "812,40" not in page.text and "nur für Prüfer sichtbar" in page.text
    assert 'id="retry"' not in page.text
    assert "Betrag nicht lesbar" in page.text  # the full error is shown
    jobs = client.get("/console/jobs?status=failed")
    assert 'id="bulk-retry"' not in jobs.text
    token = csrf_token(page.text)
    denied = client.post(f"/console/jobs/{job_id}/retry", data={"csrf_token": token})
    assert denied.status_code == 403
    assert _status(client, job_id) == "failed"


def test_reviewer_sees_the_cleaned_body_with_candidates_and_names(client):
    create_user(client.app, "rita", "reviewer")
    log_in(client.http, "rita")
    job_id = seed_review(client)
    page = client.get(f"/console/reviews/{job_id}")
    assert page.status_code == 200
    assert "Die Forderung beträgt 812,40 EUR." in page.text
    assert 'data-key="1"' in page.text and 'id="decide-not-reply"' in page.text
    queue = client.get("/console/reviews")
    assert job_id in queue.text


def test_operator_retries_one_job_and_it_is_audited(client):
    create_user(client.app, "olga", "operator")
    log_in(client.http, "olga")
    (job_id,) = seed_failed(client)
    page = client.get(f"/console/jobs/{job_id}")
    response = client.post(
        f"/console/jobs/{job_id}/retry", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    assert _status(client, job_id) == "queued"
    assert _audit(client) == [{"actor": "olga", "action": "retry", "target": job_id}]


def test_bulk_retry_counts_first_and_retries_only_after_confirmation(client):
    create_user(client.app, "olga", "operator")
    log_in(client.http, "olga")
    failed = seed_failed(client, 3)
    token = csrf_token(client.get("/console/jobs").text)
    dry_run = client.post(
        "/console/jobs/bulk-retry", data={"csrf_token": token, "status": "failed"}
    )
    assert dry_run.status_code == 200 and "<strong>3</strong>" in dry_run.text
    assert all(_status(client, j) == "failed" for j in failed)
    stale = client.post(
        "/console/jobs/bulk-retry",
        data={"csrf_token": token, "status": "failed", "confirm": "7"},
    )
    assert "geändert" in stale.text
    assert all(_status(client, j) == "failed" for j in failed)
    done = client.post(
        "/console/jobs/bulk-retry",
        data={"csrf_token": token, "status": "failed", "confirm": "3"},
    )
    assert done.status_code == 302
    assert all(_status(client, j) == "queued" for j in failed)
    assert [a["action"] for a in _audit(client)] == ["bulk_retry"]


def test_recovery_sweep_from_the_console_is_audited_and_shown(client):
    create_user(client.app, "olga", "operator")
    log_in(client.http, "olga")
    page = client.get("/console/")
    assert "noch keiner" in page.text
    response = client.post("/console/recover", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert [a["action"] for a in _audit(client)] == ["recover"]
    assert "noch keiner" not in client.get("/console/").text


def test_dashboard_counts_follow_the_webhook(client):
    create_user(client.app, "vera", "viewer")
    log_in(client.http, "vera")
    before = client.get("/console/?partial=1").text
    assert 'data-count="status-queued">0<' in before
    seed_failed(client, 1)
    client.post_webhook(payload(99))
    client.clock.advance(seconds=3)  # the dashboard shares a result for up to 3 s
    after = client.get("/console/?partial=1").text
    assert 'data-count="status-queued">1<' in after
    assert 'data-count="status-failed">1<' in after
    assert 'data-count="failed-24h">1<' in after


def test_filters_and_keyset_pages(client):
    create_user(client.app, "vera", "viewer")
    log_in(client.http, "vera")
    failed = seed_failed(client, 3)
    list_jobs = client.app.extensions["container"].console.list_jobs()
    first = list_jobs(JobFilter(status="failed"), None, True, limit=2)
    assert len(first.items) == 2 and first.next_cursor is not None
    second = list_jobs(JobFilter(status="failed"), first.next_cursor, True, limit=2)
    assert len(second.items) == 1 and second.next_cursor is None
    assert {r.id for r in first.items + second.items} == set(failed)
    oldest = list_jobs(JobFilter(status="failed"), None, False, limit=2)
    rest = list_jobs(JobFilter(status="failed"), oldest.next_cursor, False, limit=2)
    ascending = [r.id for r in oldest.items + rest.items]
    assert ascending == [r.id for r in reversed(first.items + second.items)]
    by_error = list_jobs(JobFilter(q="ValueError"), None, True)
    assert {r.id for r in by_error.items} == set(failed)
    assert list_jobs(JobFilter(q="50%_"), None, True).items == []
    page = client.get("/console/jobs?status=failed&q=inkasso")
    assert page.status_code == 200 and all(j in page.text for j in failed)
    bad = client.get("/console/jobs?status=done")
    assert bad.status_code == 400 and "Unbekannter Status" in bad.text


def _import_directory(client) -> None:
    import json

    from entrypoints.settings import REPO_ROOT

    data = json.loads((REPO_ROOT / "tests/fixtures/directory.json").read_text(encoding="utf-8"))
    client.app.extensions["container"].sql_directory().import_directory(data)


def _ledger(client) -> list[tuple]:
    engine = client.app.extensions["container"].engine()
    # Through the mapped table: amounts are integer cents on SQLite, NUMERIC on PostgreSQL.
    table = claim_updates
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                table.c.job_id,
                table.c.creditor_id,
                table.c.amount,
                table.c.source,
                table.c.decided_by,
            )
        )
        return [(r[0], r[1], f"{r[2]:.2f}", r[3], r[4]) for r in rows]


def test_a_reviewer_books_a_match_from_the_form_and_the_next_review_opens(client):
    _import_directory(client)
    create_user(client.app, "rita", "reviewer")
    log_in(client.http, "rita")
    first, second = seed_review(client), seed_review(client)
    page = client.get(f"/console/reviews/{first}")
    response = client.post(
        f"/console/reviews/{first}/decide",
        data={
            "csrf_token": csrf_token(page.text),
            "action": "match",
            "pair": "M-1|C-1",
            "claim_amount": "1.234,56",
            "currency": "eur",
            "component_principal": "1.200,00",
            "note": "Betrag aus der Tabelle",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/console/reviews/{second}"
    assert _ledger(client) == [(first, "C-1", "1234.56", "review", "rita")]
    job_page = client.get(f"/console/jobs/{first}")
    assert "Zugeordnet" in job_page.text and "Betrag aus der Tabelle" in job_page.text


def test_bad_review_input_is_shown_on_the_screen_and_nothing_is_booked(client):
    _import_directory(client)
    create_user(client.app, "rita", "reviewer")
    log_in(client.http, "rita")
    job_id = seed_review(client)
    token = csrf_token(client.get(f"/console/reviews/{job_id}").text)
    for data, message in [
        ({"pair": "M-1|C-1", "claim_amount": "-5"}, "Forderung"),
        ({"pair": "M-1|C-1", "claim_amount": "zwölf"}, "Forderung"),
        ({"pair": "M-1|C-9", "claim_amount": "10"}, "Gläubiger"),
        ({"claim_amount": "10"}, "Kandidaten"),
    ]:
        response = client.post(
            f"/console/reviews/{job_id}/decide",
            data={"csrf_token": token, "action": "match", **data},
        )
        assert response.status_code == 400 and message in response.text, data
    assert _ledger(client) == []


def test_not_a_creditor_reply_and_a_second_decision_is_refused(client):
    _import_directory(client)
    create_user(client.app, "rita", "reviewer")
    log_in(client.http, "rita")
    job_id = seed_review(client)
    token = csrf_token(client.get(f"/console/reviews/{job_id}").text)
    response = client.post(
        f"/console/reviews/{job_id}/decide",
        data={"csrf_token": token, "action": "not_creditor_reply"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/console/reviews"
    again = client.post(
        f"/console/reviews/{job_id}/decide",
        data={"csrf_token": token, "action": "match", "pair": "M-1|C-1", "claim_amount": "1"},
    )
    assert again.status_code == 409 and "Nicht mehr zu prüfen" in again.text
    assert _ledger(client) == []


def test_a_viewer_cannot_decide(client):
    create_user(client.app, "vera", "viewer")
    log_in(client.http, "vera")
    job_id = seed_review(client)
    page = client.get(f"/console/reviews/{job_id}")
    assert 'id="decision"' not in page.text
    response = client.post(
        f"/console/reviews/{job_id}/decide",
        data={"csrf_token": csrf_token(page.text), "action": "not_creditor_reply"},
    )
    assert response.status_code == 403


def test_a_reviewer_sees_who_else_has_the_review_open(make_client):
    client = make_client()
    create_user(client.app, "rita", "reviewer")
    create_user(client.app, "olga", "operator")
    job_id = seed_review(client)
    log_in(client.http, "rita")
    assert 'id="other-reviewer"' not in client.get(f"/console/reviews/{job_id}").text
    other = client.app.test_client()
    log_in(other, "olga")
    page = other.get(f"/console/reviews/{job_id}")
    assert 'id="other-reviewer"' in page.text and "rita" in page.text
    client.clock.advance(minutes=6)  # rita's screen is stale now
    assert 'id="other-reviewer"' not in other.get(f"/console/reviews/{job_id}").text


def test_operators_see_the_recent_console_actions_on_the_dashboard(client):
    create_user(client.app, "olga", "operator")
    log_in(client.http, "olga")
    (job_id,) = seed_failed(client)
    token = csrf_token(client.get("/console/").text)
    client.post(f"/console/jobs/{job_id}/retry", data={"csrf_token": token})
    page = client.get("/console/")
    assert "Letzte Aktionen" in page.text and "Neu gestartet" in page.text


def test_a_database_outage_gets_a_german_503_page(client):
    from dependency_injector import providers

    from application.ports import StorageUnavailable

    create_user(client.app, "vera", "viewer")
    log_in(client.http, "vera")

    class DownQueries:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise StorageUnavailable("database is down")

            return fail

    client.app.extensions["container"].console.queries.override(providers.Object(DownQueries()))
    page = client.get("/console/jobs")
    assert page.status_code == 503 and "Datenbank antwortet gerade nicht" in page.text
    assert page.headers["Retry-After"] == "5"


def test_next_page_links_walk_the_whole_list_in_the_browser_url(client, monkeypatch):
    import html
    import re

    from application.console import job_list

    monkeypatch.setattr(job_list, "PAGE_SIZE", 2)
    create_user(client.app, "vera", "viewer")
    log_in(client.http, "vera")
    failed = seed_failed(client, 5)
    seen, url = [], "/console/jobs?status=failed"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += re.findall(r'data-job-id="([^"]+)"', page.text)
        found = re.search(r'href="([^"]+)" rel="next"', page.text)
        url = html.unescape(found.group(1)) if found else None
    assert sorted(seen) == sorted(failed) and len(seen) == 5
