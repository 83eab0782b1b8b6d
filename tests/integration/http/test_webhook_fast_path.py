"""The webhook's fast path (entrypoints/http/webhook_fast.py) serves the plain case without
Flask and answers it exactly as the Flask view does; everything else still goes to the view."""

from __future__ import annotations

import json

import pytest
from dependency_injector import providers

from application.ports import StorageUnavailable
from entrypoints.http.webhook_fast import STANDS_IN_FOR
from tests.integration.http.conftest import payload


@pytest.fixture
def view_calls(client) -> list[str]:
    """The Flask view's calls (the fast path never calls it)."""
    calls: list[str] = []
    endpoint = "webhooks.receive_zendesk_email"
    view = client.app.view_functions[endpoint]

    def counted(*args, **kwargs):
        calls.append(endpoint)
        return view(*args, **kwargs)

    client.app.view_functions[endpoint] = counted
    return calls


def _without_fast_path(client):
    """The same app with Flask in front again, to compare the answers."""
    client.app.wsgi_app = client.app.wsgi_app._flask


def test_the_fast_path_stands_in_for_every_hook_of_the_app(client):
    """A hook added to the app (or the webhook blueprint) must be added to the fast path too,
    or it would silently not run for most deliveries."""
    app = client.app
    for kind, expected in STANDS_IN_FOR.items():
        registered = getattr(app, f"{kind}_funcs")
        names = {f.__name__ for key in (None, "webhooks") for f in registered.get(key, [])}
        assert names == expected, kind


def test_a_plain_delivery_is_stored_without_the_flask_view(client, view_calls, queue):
    response = client.post_webhook(payload(), headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200 and response.json == {"status": "accepted"}
    assert response.headers["X-Request-ID"] == "req-1"
    assert len(queue.tasks) == 1
    assert view_calls == []


@pytest.mark.parametrize(
    ("post", "status"),
    [
        (lambda client: client.post_webhook(payload(), signature="bm90IGl0"), 401),
        (lambda client: client.post_webhook({"ticket_id": 1}), 400),
        (lambda client: client.post_webhook(payload(), content_type="text/plain"), 415),
        (lambda client: client.post_webhook(b"{not json"), 400),
    ],
)
def test_anything_but_the_plain_case_goes_to_the_flask_view(client, view_calls, post, status):
    assert post(client).status_code == status
    assert view_calls == ["webhooks.receive_zendesk_email"]


def _answers(client, posts) -> list[tuple]:
    out = []
    for body in posts:
        response = client.post_webhook(body, headers={"X-Request-ID": "same"})
        headers = sorted((k, v) for k, v in response.headers.items())
        out.append((response.status, response.data, headers))
    return out


def test_fast_and_flask_answers_are_byte_for_byte_the_same(make_client):
    fast, flask = make_client(), make_client()  # one database: different emails for each
    _without_fast_path(flask)
    fast_answers = _answers(fast, [payload(1), payload(1), payload(2)])
    flask_answers = _answers(flask, [payload(11), payload(11), payload(12)])
    assert fast_answers == flask_answers
    assert [json.loads(body)["status"] for _, body, _ in fast_answers] == [
        "accepted",
        "duplicate",
        "accepted",
    ]


def test_storage_down_and_quarantine_answers_are_the_same_as_flasks(make_client, caplog):
    def refuse():
        raise StorageUnavailable("connection refused")

    def down(client):
        client.app.extensions["container"].unit_of_work.override(providers.Callable(refuse))

    def broken(client):
        def explode(_email):
            raise RuntimeError("bug in a new release")

        client.app.extensions["container"].receive_email.override(providers.Object(explode))

    for breaks in (down, broken):
        fast, flask = make_client(), make_client()
        _without_fast_path(flask)
        breaks(fast)
        breaks(flask)
        [fast_answer] = _answers(fast, [payload(3)])
        [flask_answer] = _answers(flask, [payload(4)])
        assert fast_answer == flask_answer
        assert fast_answer[0] == "503 SERVICE UNAVAILABLE"
        assert json.loads(fast_answer[1]) == {"error": "unavailable"}


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_fast_path_log_lines_are_the_flask_views(make_client, capsys):
    """Same events, same context (request id, ticket, job) and the request line, at INFO."""
    seen = {}
    for name, n in (("fast", 5), ("flask", 6)):
        client = make_client(log_format="json", log_level="INFO")
        if name == "flask":
            _without_fast_path(client)
        capsys.readouterr()
        client.post_webhook(payload(n), headers={"X-Request-ID": f"req-{name}"})
        lines = _lines(capsys.readouterr().err)
        seen[name] = [
            (line["event"], sorted(k for k in line if k not in ("timestamp", "duration_ms")))
            for line in lines
        ]
        answered = next(line for line in lines if line["event"] == "webhook_answered")
        request = next(line for line in lines if line["event"] == "http_request")
        assert answered["request_id"] == request["request_id"] == f"req-{name}"
        assert answered["ticket_id"] == payload(n)["ticket_id"] and answered["job_id"]
        assert (request["method"], request["path"], request["status"]) == (
            "POST",
            "/api/v1/webhooks/zendesk",
            200,
        )
    assert seen["fast"] == seen["flask"]
