"""The review queue end to end on SQLite and PostgreSQL (SPEC §8): list, decide, reopen,
booking in the ledger, learning, and two reviewers racing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from adapters.similarity import RapidFuzzSimilarity
from adapters.sqlalchemy.directory import SqlClientDirectory
from adapters.sqlalchemy.mirror_ledger import SqlMirrorLedger
from adapters.sqlalchemy.orm import claim_updates, creditors
from adapters.sqlalchemy.review_tables import creditor_aliases, review_decisions
from application.review.decide_review import DecideReview
from domain.decisions import MatchDecision
from domain.extraction import Extraction
from domain.matching import match_candidates
from domain.review import NotReviewable
from domain.users import Principal, Role
from domain.values import Outcome
from tests.fakes import FakeClock
from tests.fixtures.review import completed_job, load_directory

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
MATCH = {
    "action": "match",
    "client_id": "M-1",
    "creditor_id": "C-1",
    "claim_amount": "812.40",
    "currency": "EUR",
    "note": "laut Schreiben vom 02.11.",
}


@pytest.fixture
def review_client(make_client):
    # A recipient: without one no match notice is handed over (application/dispatcher.py).
    client = make_client(match_notification_email="desk@practice.example")
    load_directory(client.app.extensions["container"])
    return client


def rows(engine, table, **where):
    stmt = select(table)
    for name, value in where.items():
        stmt = stmt.where(table.c[name] == value)
    with engine.connect() as conn:
        return conn.execute(stmt).mappings().all()


def test_queue_lists_open_reviews_oldest_first(review_client, uow_factory):
    newer = completed_job(uow_factory, 5)
    older = completed_job(uow_factory, 1)
    completed_job(uow_factory, 3, outcome=Outcome.NOT_CREDITOR_REPLY)
    body = review_client.get("/api/v1/reviews").json
    assert [item["id"] for item in body["items"]] == [older, newer]
    assert (body["total"], body["limit"], body["offset"]) == (2, 50, 0)
    item = body["items"][0]
    assert item["extraction"]["creditor_reference"] == "NEU-4711"
    assert item["match"]["candidates"][0]["creditor_id"] == "C-1"
    assert item["review"]["status"] == "open" and "body_text" not in item
    assert review_client.get("/api/v1/reviews?limit=1&offset=1").json["items"][0]["id"] == newer
    assert review_client.get("/api/v1/reviews?limit=201").status_code == 400


def test_match_decision_books_one_claim(review_client, uow_factory, engine, queue):
    job_id = completed_job(uow_factory)
    response = review_client.post(f"/api/v1/jobs/{job_id}/review", json=MATCH)
    assert response.status_code == 200, response.json
    job = response.json
    assert job["outcome"] == "matched" and job["status"] == "completed"
    assert job["review"]["status"] == "resolved" and job["review"]["action"] == "match"
    assert job["review"]["decided_by"] == "anonymous"  # open API: no users, no token
    [decision] = job["decisions"]
    assert decision["before"]["outcome"] == "needs_review"
    assert decision["after"]["claim"]["claim_amount"] == "812.40"
    assert decision["note"] == "laut Schreiben vom 02.11."
    [row] = rows(engine, claim_updates, job_id=job_id)
    assert (row["source"], row["decided_by"], row["supersedes"]) == ("review", "anonymous", None)
    assert row["amount"] == Decimal("812.40")
    [creditor] = rows(engine, creditors, id="C-1")
    assert creditor["claim_amount"] == Decimal("812.40")
    assert {t.name for t in queue.tasks} >= {"mirror", "match_notice"}
    # The same decision again: 409, still one row and one decision.
    again = review_client.post(f"/api/v1/jobs/{job_id}/review", json=MATCH)
    assert again.status_code == 409 and again.json["error"] == "not_reviewable"
    assert len(rows(engine, claim_updates, job_id=job_id)) == 1
    assert len(rows(engine, review_decisions, job_id=job_id)) == 1
    detail = review_client.get(f"/api/v1/jobs/{job_id}").json
    assert detail["review"]["status"] == "resolved" and len(detail["decisions"]) == 1


def test_not_creditor_reply(review_client, uow_factory, engine):
    job_id = completed_job(uow_factory)
    response = review_client.post(
        f"/api/v1/jobs/{job_id}/review", json={"action": "not_creditor_reply"}
    )
    assert response.status_code == 200
    assert response.json["outcome"] == "not_creditor_reply"
    assert rows(engine, claim_updates, job_id=job_id) == []
    assert review_client.get("/api/v1/reviews").json["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "approve"}, "action"),
        ({}, "action"),
        ({**MATCH, "claim_amount": "-1.00"}, "claim_amount"),
        ({**MATCH, "claim_amount": "1.234,56"}, "claim_amount"),
        ({**MATCH, "claim_amount": 12.5}, "claim_amount"),
        ({**MATCH, "claim_amount": "NaN"}, "claim_amount"),
        ({**MATCH, "currency": "euro"}, "currency"),
        ({**MATCH, "creditor_id": "C-3"}, "creditor_id"),  # C-3 belongs to another client
        ({**MATCH, "creditor_id": "C-404"}, "creditor_id"),
        ({"action": "match", "client_id": "M-1"}, "creditor_id"),
        ({**MATCH, "amount": "1.00"}, "amount"),
        ({**MATCH, "components": {"fees": "1.00"}}, "components"),
        ({**MATCH, "note": "x" * 2001}, "note"),
        ([MATCH], "_schema"),
    ],
)
def test_bad_decisions_are_400_and_change_nothing(review_client, uow_factory, engine, body, field):
    job_id = completed_job(uow_factory)
    response = review_client.post(f"/api/v1/jobs/{job_id}/review", json=body)
    assert response.status_code == 400, response.json
    assert response.json["error"] == "invalid_payload"
    assert field in response.json["details"], response.json
    assert rows(engine, claim_updates) == [] and rows(engine, review_decisions) == []
    assert review_client.get(f"/api/v1/jobs/{job_id}").json["review"]["status"] == "open"


def test_not_json_and_missing_and_unreviewable(review_client, uow_factory):
    job_id = completed_job(uow_factory)
    response = review_client.post(
        f"/api/v1/jobs/{job_id}/review", data="action=match", content_type="text/plain"
    )
    assert response.status_code == 400
    assert review_client.post("/api/v1/jobs/nope/review", json=MATCH).status_code == 404
    assert review_client.post("/api/v1/jobs/nope/reopen").status_code == 404
    matched = completed_job(uow_factory, 2, outcome=Outcome.MATCHED, auto_match=("M-1", "C-1"))
    response = review_client.post(f"/api/v1/jobs/{matched}/review", json=MATCH)
    assert response.status_code == 409 and response.json["error"] == "not_reviewable"
    response = review_client.post(f"/api/v1/jobs/{job_id}/reopen", json={})
    assert response.status_code == 409 and "only a matched job" in response.json["reason"]


def test_reopen_and_correct_a_wrong_auto_match(review_client, uow_factory, engine, session_factory):
    job_id = completed_job(uow_factory, outcome=Outcome.MATCHED, auto_match=("M-1", "C-1"))
    [auto] = rows(engine, claim_updates, job_id=job_id)
    assert rows(engine, creditors, id="C-1")[0]["claim_amount"] == Decimal("812.40")
    response = review_client.post(f"/api/v1/jobs/{job_id}/reopen", json={"note": "falsch"})
    assert response.status_code == 200
    assert (
        response.json["outcome"] == "needs_review" and response.json["review"]["status"] == "open"
    )
    assert review_client.post(f"/api/v1/jobs/{job_id}/reopen").status_code == 409
    refused = review_client.post(
        f"/api/v1/jobs/{job_id}/review", json={"action": "not_creditor_reply"}
    )
    assert refused.status_code == 400 and "action" in refused.json["details"]
    correction = {**MATCH, "creditor_id": "C-2", "claim_amount": "120.00"}
    response = review_client.post(f"/api/v1/jobs/{job_id}/review", json=correction)
    assert response.status_code == 200, response.json
    assert [d["action"] for d in response.json["decisions"]] == ["reopen", "match"]
    ledger = rows(engine, claim_updates, job_id=job_id)
    assert len(ledger) == 2  # append-only
    [new] = [r for r in ledger if r["id"] != auto["id"]]
    assert (new["supersedes"], new["creditor_id"], new["source"]) == (auto["id"], "C-2", "review")
    # Every reader takes the latest: the superseded row is neither mirrored nor reconciled,
    # and the wrongly booked creditor shows its claim from before (none in the ledger).
    reader = SqlMirrorLedger(session_factory)
    since = datetime(2020, 1, 1, tzinfo=UTC)
    assert reader.get(auto["idempotency_key"]).superseded
    assert not reader.get(new["idempotency_key"]).superseded
    assert [e.idempotency_key for e in reader.unmirrored(10)] == [new["idempotency_key"]]
    assert [e.claim.creditor_id for e in reader.latest_per_creditor(since)] == ["C-2"]
    assert reader.count_unmirrored(since) == 1
    assert rows(engine, creditors, id="C-1")[0]["claim_amount"] is None
    assert rows(engine, creditors, id="C-2")[0]["claim_amount"] == Decimal("120.00")


def test_remember_teaches_the_directory_so_the_next_reply_matches(
    review_client, uow_factory, engine, session_factory, monkeypatch
):
    sender = "Forderungen@Inkasso-Nord.example"
    reply = Extraction(
        is_creditor_reply=True,
        client_name="Jana Hoffmann",
        client_reference="2024/1187",
        creditor_name="Inkasso Nord GmbH",
        creditor_reference="NEU-4711",
        claim_amount=Decimal("812.40"),
        currency="EUR",
    )
    directory = SqlClientDirectory(session_factory)
    # The worker compares the directory's stamp at most once a second; here at every look-up.
    monkeypatch.setattr("adapters.sqlalchemy.directory.STAMP_CHECK_SECONDS", 0.0)

    def match():
        entries = directory.candidates(reply, sender)
        return match_candidates(reply, entries, RapidFuzzSimilarity(), 0.85, sender=sender)

    assert not match().is_auto_match  # before: the agency's name and reference are unknown
    job_id = completed_job(uow_factory, extraction=reply, from_email=sender)
    response = review_client.post(f"/api/v1/jobs/{job_id}/review", json={**MATCH, "remember": True})
    assert response.status_code == 200, response.json
    learned = rows(engine, creditor_aliases, creditor_id="C-1")
    assert {(r["kind"], r["value_norm"]) for r in learned} == {
        ("sender", "forderungen@inkasso-nord.example"),
        ("reference", "NEU4711"),
    }
    assert {(r["learned_by"], r["job_id"]) for r in learned} == {("anonymous", job_id)}
    after = match()
    assert after.is_auto_match and (after.client_id, after.creditor_id) == ("M-1", "C-1")


def test_two_reviewers_at_once_one_wins_nothing_twice(review_client, uow_factory, engine, backend):
    job_id = completed_job(uow_factory)
    barrier = threading.Barrier(2)
    loaded = threading.Barrier(2)

    class RacingUnitOfWork:
        """Both reviewers have read the job before either writes (PostgreSQL: reads do not
        block; SQLite serialises whole transactions, so there the race is at the start)."""

        def __init__(self) -> None:
            self._uow = uow_factory()

        def __enter__(self):
            self._uow.__enter__()
            get = self._uow.jobs.get

            def get_then_wait(job_id):
                job = get(job_id)
                if backend == "postgresql":
                    loaded.wait(timeout=10)
                return job

            self._uow.jobs.get = get_then_wait
            return self._uow

        def __exit__(self, *exc):
            return self._uow.__exit__(*exc)

    decide = DecideReview(RacingUnitOfWork, FakeClock())

    def reviewer(name: str, creditor: str):
        barrier.wait(timeout=10)
        decision = MatchDecision("M-1", creditor, Decimal("812.40"))
        try:
            decide(job_id, decision, Principal(name, Role.REVIEWER))
            return name
        except NotReviewable:
            return None

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda args: reviewer(*args), [("jana", "C-1"), ("max", "C-2")]))
    winners = [r for r in results if r]
    assert len(winners) == 1
    assert len(rows(engine, claim_updates, job_id=job_id)) == 1
    [decision] = rows(engine, review_decisions, job_id=job_id)
    assert decision["decided_by"] == winners[0]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(review_decisions)) == 1


def test_review_routes_are_documented(client):
    paths = client.get("/api/openapi.json").json["paths"]
    decide = paths["/api/v1/jobs/{job_id}/review"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(decide["responses"])
    assert "requestBody" in decide
    assert "403" in paths["/api/v1/jobs/{job_id}/reopen"]["post"]["responses"]
    assert {p["name"] for p in paths["/api/v1/reviews"]["get"]["parameters"]} >= {"limit", "offset"}


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"action": st.sampled_from(["match", "not_creditor_reply", "x"]) | json_values},
            optional={
                name: json_values | st.text(max_size=12)
                for name in ("client_id", "creditor_id", "claim_amount", "currency", "note")
            }
            | {"remember": json_values, "components": json_values},
        ),
    )
)
def test_arbitrary_decision_bodies_never_yield_a_5xx(review_client, uow_factory, engine, body):
    job_id = completed_job(uow_factory, outcome=Outcome.NOT_CREDITOR_REPLY)
    response = review_client.post(f"/api/v1/jobs/{job_id}/review", json=body)
    assert response.status_code in (400, 409), (body, response.json)
    assert rows(engine, claim_updates) == [] and rows(engine, review_decisions) == []
