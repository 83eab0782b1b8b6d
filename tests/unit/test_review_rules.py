"""The review rules of SPEC §8 on the aggregate alone (pure, table-tested)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.decisions import InvalidDecision, MatchDecision, parse_amount
from domain.events import ClaimWritten, ReviewDecided
from domain.extraction import Extraction, Match, MatchCandidate
from domain.model import EmailJob
from domain.review import NotReviewable, ReviewAction, ReviewStatus
from domain.values import Outcome
from tests.unit.conftest import make_email

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
REPLY = Extraction(
    is_creditor_reply=True,
    client_name="Jana Hoffmann",
    creditor_name="Telekom",
    creditor_reference="KD-4471-2290",
    claim_amount=Decimal("812.40"),
    currency="EUR",
    confidence=0.7,
)
GOOD = MatchDecision("M-1", "C-1", Decimal("812.40"), "EUR")


def domain_state(job: EmailJob) -> dict:
    """The job's domain attributes as plain values (mapped child objects carry SQLAlchemy
    instrumentation once another test in the process has started the mappers)."""
    skip = {"decisions", "history", "events"}
    state = {k: v for k, v in vars(job).items() if not k.startswith("_sa_") and k not in skip}
    state["decisions"] = [d.to_dict() for d in job.decisions]
    state["history"] = [
        (h.attempt, h.at, h.from_status, h.to_status, h.result) for h in job.history
    ]
    return copy.deepcopy(state)


def completed(outcome: Outcome, auto_match: bool = False) -> EmailJob:
    job = EmailJob("job-1", make_email(), NOW)
    job.enqueue(NOW)
    job.start(NOW, timedelta(seconds=60))
    job.record_extraction(REPLY, NOW)
    candidates = (MatchCandidate("M-1", "C-1", 0.7), MatchCandidate("M-2", "C-2", 0.6))
    if auto_match:
        job.record_match(Match(0.95, "M-1", "C-1", candidates), NOW)
    else:
        job.record_match(Match(0.7, candidates=candidates), NOW)
    job.complete(NOW, outcome)
    job.pull_events()
    return job


def test_needs_review_completion_opens_a_review():
    job = completed(Outcome.NEEDS_REVIEW)
    assert job.review_status is ReviewStatus.OPEN
    assert job.review == {
        "status": "open",
        "action": None,
        "decided_by": None,
        "decided_at": None,
        "note": None,
    }


@pytest.mark.parametrize("outcome", [Outcome.MATCHED, Outcome.NOT_CREDITOR_REPLY])
def test_other_completions_have_no_review(outcome):
    job = completed(outcome, auto_match=outcome is Outcome.MATCHED)
    assert job.review_status is None and job.review is None


@pytest.mark.parametrize(
    ("decision", "outcome", "action"),
    [
        (GOOD, Outcome.MATCHED, ReviewAction.MATCH),
        (None, Outcome.NOT_CREDITOR_REPLY, ReviewAction.NOT_CREDITOR_REPLY),
    ],
)
def test_resolving_records_who_when_before_after_and_note(decision, outcome, action):
    job = completed(Outcome.NEEDS_REVIEW)
    recorded = job.resolve_review(decision, "jana", LATER, note="  checked the letter ")
    assert job.outcome is outcome and job.review_status is ReviewStatus.RESOLVED
    assert recorded.seq == 1 and recorded.action is action
    assert (recorded.decided_by, recorded.decided_at, recorded.note) == (
        "jana",
        LATER,
        "checked the letter",
    )
    assert recorded.before == {"outcome": "needs_review", "review_status": "open", "claim": None}
    assert recorded.after["outcome"] == outcome.value
    assert job.review["status"] == "resolved" and job.review["decided_by"] == "jana"
    assert job.decisions == [recorded]
    events = job.pull_events()
    assert events[0] == ReviewDecided(job.id, 1, action.value, "jana")
    # A match books a claim: ClaimWritten with its key makes the mirror follow.
    written = [e.idempotency_key for e in events if isinstance(e, ClaimWritten)]
    expected = [job.review_claim_update(recorded).idempotency_key] if decision else []
    assert written == expected


def test_match_decision_books_one_claim_with_source_and_decider():
    job = completed(Outcome.NEEDS_REVIEW)
    recorded = job.resolve_review(GOOD, "jana", LATER)
    claim = job.review_claim_update(recorded)
    assert (claim.client_id, claim.creditor_id, claim.amount, claim.currency) == (
        "M-1",
        "C-1",
        Decimal("812.40"),
        "EUR",
    )
    assert (claim.source, claim.decided_by, claim.created_at) == ("review", "jana", LATER)
    assert job.booked_claim()["decided_by"] == "jana"
    # The same decision gives the same key (idempotent); an auto claim of the same payload
    # has a different one, so a correction never collides with the row it replaces.
    assert job.review_claim_update(recorded).idempotency_key == claim.idempotency_key
    auto = completed(Outcome.MATCHED, auto_match=True).write_claim(LATER)
    assert auto.idempotency_key != claim.idempotency_key


@pytest.mark.parametrize("second", [GOOD, None])
def test_a_resolved_review_cannot_be_resolved_again(second):
    job = completed(Outcome.NEEDS_REVIEW)
    job.resolve_review(GOOD, "jana", LATER)
    before = domain_state(job)
    with pytest.raises(NotReviewable, match="resolved already"):
        job.resolve_review(second, "max", LATER)
    assert domain_state(job) == before


@pytest.mark.parametrize(
    ("outcome", "auto"), [(Outcome.MATCHED, True), (Outcome.NOT_CREDITOR_REPLY, False)]
)
def test_jobs_without_an_open_review_are_not_reviewable(outcome, auto):
    job = completed(outcome, auto_match=auto)
    with pytest.raises(NotReviewable):
        job.resolve_review(GOOD, "jana", LATER)
    assert job.decisions == []


def test_unfinished_job_is_not_reviewable():
    job = EmailJob("job-2", make_email(), NOW)
    with pytest.raises(NotReviewable, match="received"):
        job.resolve_review(None, "jana", LATER)


def test_reopen_a_wrong_auto_match_then_correct_it():
    job = completed(Outcome.MATCHED, auto_match=True)
    reopened = job.reopen_review("jana", LATER, note="wrong creditor")
    assert job.outcome is Outcome.NEEDS_REVIEW and job.review_status is ReviewStatus.OPEN
    assert reopened.action is ReviewAction.REOPEN
    assert reopened.before["claim"]["creditor_id"] == "C-1"
    assert reopened.before["outcome"] == "matched"
    correction = MatchDecision("M-2", "C-2", Decimal("100.00"), "EUR")
    decided = job.resolve_review(correction, "max", LATER + timedelta(minutes=1))
    assert decided.seq == 2 and decided.before["claim"]["creditor_id"] == "C-1"
    assert job.booked_claim()["creditor_id"] == "C-2"
    assert [d.action for d in job.decisions] == [ReviewAction.REOPEN, ReviewAction.MATCH]


def test_a_booked_claim_cannot_be_withdrawn_by_not_a_reply():
    job = completed(Outcome.MATCHED, auto_match=True)
    job.reopen_review("jana", LATER)
    with pytest.raises(InvalidDecision, match="booked a claim"):
        job.resolve_review(None, "jana", LATER)
    assert job.review_status is ReviewStatus.OPEN and len(job.decisions) == 1


@pytest.mark.parametrize(
    ("outcome", "auto", "reason"),
    [
        (Outcome.NEEDS_REVIEW, False, "only a matched job"),
        (Outcome.NOT_CREDITOR_REPLY, False, "only a matched job"),
    ],
)
def test_reopen_needs_a_matched_job(outcome, auto, reason):
    job = completed(outcome, auto_match=auto)
    with pytest.raises(NotReviewable, match=reason):
        job.reopen_review("jana", LATER)


def test_reopen_twice_is_refused():
    job = completed(Outcome.NEEDS_REVIEW)
    job.resolve_review(GOOD, "jana", LATER)
    job.reopen_review("jana", LATER)
    with pytest.raises(NotReviewable):
        job.reopen_review("jana", LATER)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"client_id": ""}, "client_id"),
        ({"creditor_id": "  "}, "creditor_id"),
        ({"claim_amount": Decimal("-0.01")}, "claim_amount"),
        ({"claim_amount": Decimal("NaN")}, "claim_amount"),
        ({"claim_amount": Decimal("1.234")}, "claim_amount"),
        ({"currency": "euro"}, "currency"),
        ({"currency": "eur"}, "currency"),
        ({"components": {"fees": Decimal("1")}}, "components"),
        ({"components": {"interest": Decimal("-1")}}, "components.interest"),
    ],
)
def test_invalid_match_decisions(kwargs, field):
    values = dict(client_id="M-1", creditor_id="C-1", claim_amount=Decimal("1.00"))
    values.update(kwargs)
    with pytest.raises(InvalidDecision) as info:
        MatchDecision(**values)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("1234.56", Decimal("1234.56")), ("0", Decimal("0.00")), (" 12.3 ", Decimal("12.30"))],
)
def test_parse_amount_accepts(raw, ok):
    assert parse_amount(raw) == ok


@pytest.mark.parametrize("raw", ["1,234.56", "abc", "", 12.5, True, None, "1e3x", "-5", "1e20"])
def test_parse_amount_refuses(raw):
    with pytest.raises(InvalidDecision):
        parse_amount(raw)


@pytest.mark.parametrize("raw", ["1E100", "1e27", "-1E100", "9" * 40])
def test_parse_amount_refuses_huge_amounts_as_too_large(raw):
    # quantize() cannot hold these at two decimals: asked first, it raised InvalidOperation
    # (a 500 from the review API, found by its hypothesis test).
    with pytest.raises(InvalidDecision, match="too large|negative"):
        parse_amount(raw)


def test_note_too_long_is_refused_and_changes_nothing():
    job = completed(Outcome.NEEDS_REVIEW)
    with pytest.raises(InvalidDecision, match="note"):
        job.resolve_review(GOOD, "jana", LATER, note="x" * 2001)
    assert job.review_status is ReviewStatus.OPEN and job.decisions == []
