"""The review use cases on fakes (SPEC §8): decide, reopen, the queue view, directory search."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from application.ports import ConcurrencyConflict
from application.retry_job import JobNotFound
from application.review.decide_review import DecideReview
from application.review.errors import PermissionDenied
from application.review.reopen_review import ReopenReview
from application.review.review_queue import ListOpenReviews, ReviewQueue
from application.review.search_directory import SearchDirectory
from application.review_ports import DirectoryPair
from domain.decisions import InvalidDecision, MatchDecision
from domain.extraction import Extraction
from domain.review import NotReviewable, ReviewStatus
from domain.users import Principal, Role
from domain.values import Outcome
from tests.fake_review import FakeReviewQueries
from tests.unit.conftest import DIRECTORY

JANA = Principal("jana", Role.REVIEWER)
VIEWER = Principal("vera", Role.VIEWER)
UNSURE = Extraction(
    is_creditor_reply=True,
    client_name="Jana Hoffmann",
    creditor_name="Telekom Deutschland GmbH",
    creditor_reference="NEU-77",
    claim_amount=Decimal("99.00"),
    currency="EUR",
    confidence=0.6,
    extractor="fake",
)
MATCH = MatchDecision("M-1", "C-1", Decimal("812.40"), "EUR")


@pytest.fixture
def review(world):
    world.db.directory_pairs = {
        (e.client_id, e.creditor_id): DirectoryPair(
            e.client_id,
            e.client_name,
            e.creditor_id,
            e.creditor_name,
            e.client_reference,
            e.creditor_reference,
        )
        for e in DIRECTORY
    }
    world.decide = DecideReview(world.uow, world.clock)
    world.reopen = ReopenReview(world.uow, world.clock)
    return world


def processed(world, n: int, extraction: Extraction | None = None, **email) -> str:
    if extraction is not None:
        world.extractor.result = extraction
    job_id = world.received_job(n, **email)
    world.process(job_id)
    world.queue.tasks.clear()
    return job_id


def test_match_decision_books_the_claim_and_hands_over_mirror_and_notice(review):
    job_id = processed(review, 1, UNSURE)
    assert review.job(job_id).outcome is Outcome.NEEDS_REVIEW
    job = review.decide(job_id, MATCH, JANA, note="per letter")
    assert job.outcome is Outcome.MATCHED and job.review["status"] == "resolved"
    stored = review.job(job_id)
    assert stored.review_status is ReviewStatus.RESOLVED
    assert [d.decided_by for d in stored.decisions] == ["jana"]
    [claim] = review.db.claims.values()
    assert (claim.source, claim.decided_by, claim.amount) == ("review", "jana", Decimal("812.40"))
    assert sorted((t.name, t.arg) for t in review.queue.tasks) == [
        ("match_notice", job_id),
        ("mirror", claim.idempotency_key),
    ]


def test_not_creditor_reply_books_nothing(review):
    job_id = processed(review, 1, UNSURE)
    job = review.decide(job_id, None, JANA)
    assert job.outcome is Outcome.NOT_CREDITOR_REPLY
    assert review.db.claims == {} and review.queue.tasks == []


def test_pair_not_in_directory_is_refused_and_nothing_changes(review):
    job_id = processed(review, 1, UNSURE)
    commits = review.db.commits
    with pytest.raises(InvalidDecision, match="not in the directory"):
        review.decide(job_id, MatchDecision("M-2", "C-1", Decimal("1.00")), JANA)
    assert review.db.commits == commits
    assert review.job(job_id).review_status is ReviewStatus.OPEN


def test_second_decision_is_not_reviewable_and_writes_nothing(review):
    job_id = processed(review, 1, UNSURE)
    review.decide(job_id, MATCH, JANA)
    with pytest.raises(NotReviewable, match="resolved already"):
        review.decide(job_id, MatchDecision("M-1", "C-1", Decimal("5.00")), JANA)
    assert len(review.db.claims) == 1 and len(review.job(job_id).decisions) == 1


def test_a_stale_second_reviewer_loses_the_compare_and_set(review):
    job_id = processed(review, 1, UNSURE)
    # Reviewer 2 read the job before reviewer 1 committed: their commit must be refused.
    uow = review.uow()
    with uow:
        stale = uow.jobs.get(job_id)
        review.decide(job_id, MATCH, JANA)
        stale.resolve_review(None, "max", review.clock.now())
        with pytest.raises(ConcurrencyConflict):
            uow.commit()
    assert review.job(job_id).outcome is Outcome.MATCHED
    assert [d.decided_by for d in review.job(job_id).decisions] == ["jana"]


def test_viewer_may_not_decide(review):
    job_id = processed(review, 1, UNSURE)
    with pytest.raises(PermissionDenied):
        review.decide(job_id, MATCH, VIEWER)
    with pytest.raises(PermissionDenied):
        review.reopen(job_id, VIEWER)


def test_missing_job(review):
    with pytest.raises(JobNotFound):
        review.decide("nope", MATCH, JANA)
    with pytest.raises(JobNotFound):
        review.reopen("nope", JANA)


def test_remember_records_sender_and_reference_once(review):
    first = processed(review, 1, UNSURE)
    remember = MatchDecision("M-1", "C-1", Decimal("99.00"), remember=True)
    review.decide(first, remember, JANA)
    assert set(review.db.aliases) == {
        ("C-1", "sender", "forderungen@inkasso.example"),
        ("C-1", "reference", "neu-77"),
    }
    assert review.db.aliases[("C-1", "sender", "forderungen@inkasso.example")][:2] == (
        first,
        "jana",
    )
    second = processed(review, 2, UNSURE)
    review.decide(second, remember, JANA)
    assert len(review.db.aliases) == 2


def test_reopen_a_wrong_auto_match_and_correct_it(review):
    job_id = processed(review, 1)  # the default extraction auto-matches M-1/C-1
    assert review.job(job_id).outcome is Outcome.MATCHED
    auto_claims = set(review.db.claims)
    job = review.reopen(job_id, JANA, note="falscher Gläubiger")
    assert job.outcome is Outcome.NEEDS_REVIEW and job.review["action"] == "reopen"
    assert review.queue.tasks == []
    with pytest.raises(NotReviewable):
        review.reopen(job_id, JANA)
    with pytest.raises(InvalidDecision, match="booked a claim"):
        review.decide(job_id, None, JANA)
    review.decide(job_id, MatchDecision("M-2", "C-2", Decimal("10.00")), JANA)
    new = [c for k, c in review.db.claims.items() if k not in auto_claims]
    assert [(c.creditor_id, c.source) for c in new] == [("C-2", "review")]


def test_queue_view_oldest_first_with_age_and_directory_names(review):
    now = review.clock.now()
    second = processed(review, 2, UNSURE, received_at=now - timedelta(minutes=5))
    first = processed(review, 1, UNSURE, received_at=now - timedelta(minutes=15))
    queue = ReviewQueue(FakeReviewQueries(review.db), review.clock)()
    assert [i.job_id for i in queue.items] == [first, second]
    assert queue.total == 2
    assert [i.age_seconds for i in queue.items] == [900.0, 300.0]
    assert queue.oldest_age_seconds == 900.0
    names = {(c.client_name, c.creditor_name) for c in queue.items[0].candidates}
    assert ("Jana Hoffmann", "Telekom Deutschland GmbH") in names
    page = ListOpenReviews(FakeReviewQueries(review.db))(limit=1)
    assert page.total == 2 and [j.id for j in page.items] == [first]
    review.decide(first, None, JANA)
    assert [i.job_id for i in ReviewQueue(FakeReviewQueries(review.db), review.clock)().items] == [
        second
    ]


@pytest.mark.parametrize("limit", [0, 201])
def test_queue_page_limits(review, limit):
    with pytest.raises(ValueError):
        ReviewQueue(FakeReviewQueries(review.db), review.clock)(limit=limit)


def test_search_directory_by_name_or_reference(review):
    search = SearchDirectory(FakeReviewQueries(review.db))
    assert [p.creditor_id for p in search("telekom")] == ["C-1"]
    assert [p.client_id for p in search("Az. 2024-2001")] == ["M-2"]
    assert search("x") == []
    assert search("nothing like it") == []


def test_match_notice_names_the_reviewer(review):
    job_id = processed(review, 1, UNSURE)
    review.decide(job_id, MATCH, JANA)
    assert review.notify_match(job_id)
    [message] = review.notifier.sent
    assert "jana" in message.body and "812.40 EUR" in message.body and "C-1" in message.body
