"""PollZendesk: the backstop poller against in-memory fakes of Zendesk and the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.poll_zendesk import PERIODIC_STREAM, PollSettings, PollZendesk
from application.receive_email import ReceiveEmail
from application.zendesk_ports import ChangedTicket, ZendeskComment, ZendeskRateLimited
from domain.errors import PermanentError, TransientError
from domain.values import JobSource
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork
from tests.zendesk_fakes import FakeCursorStore, FakeZendeskApi


class Timer:
    """A fake monotonic clock that sleeping advances."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def world():
    clock = FakeClock()
    db = FakeDatabase()
    api = FakeZendeskApi()
    cursors = FakeCursorStore()
    timer = Timer()
    receive = ReceiveEmail(lambda: FakeUnitOfWork(db), clock)
    poller = PollZendesk(
        api, cursors, receive, clock, PollSettings(), sleep=timer.sleep, monotonic=timer.monotonic
    )
    return type(
        "World",
        (),
        dict(
            clock=clock,
            db=db,
            api=api,
            cursors=cursors,
            timer=timer,
            poller=poller,
            receive=receive,
        ),
    )


def comment(world, comment_id: int, ticket_id: int, minutes_ago: int = 5, **overrides):
    values = dict(
        id=comment_id,
        ticket_id=ticket_id,
        public=True,
        created_at=world.clock.now() - timedelta(minutes=minutes_ago),
        author_email="forderungen@inkasso.example",
        author_name="Inkasso Nord",
        author_role="end-user",
        plain_body="Die Forderung beträgt 812,40 EUR.",
    )
    values.update(overrides)
    return ZendeskComment(**values)


def add_ticket(world, ticket_id: int, *comments: ZendeskComment) -> None:
    world.api.changed.append(ChangedTicket(ticket_id, f"Betreff {ticket_id}"))
    world.api.comments[ticket_id] = list(comments)


def test_new_inbound_comments_become_poll_jobs(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    add_ticket(
        world,
        2,
        comment(world, 38412205561002, 2, public=False),
        comment(world, 38412205561003, 2, author_role="agent"),
        comment(world, 38412205561004, 2, minutes_ago=60 * 48),  # before the first lookback
    )
    report = world.poller()
    assert (report.accepted, report.duplicates, report.finished) == (1, 0, True)
    [job] = world.db.jobs.values()
    assert job.source is JobSource.POLL
    assert job.zendesk_key == "zendesk:1:38412205561001" and job.subject == "Betreff 1"


def test_a_comment_already_delivered_is_a_duplicate(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    world.poller()
    world.cursors.rows.clear()
    report = world.poller()
    assert (report.accepted, report.duplicates) == (0, 1)
    assert len(world.db.jobs) == 1


def test_export_requests_are_paced_to_ten_a_minute(world):
    for n in range(1, 6):  # 5 tickets, 2 a page → 3 export requests
        add_ticket(world, n, comment(world, 38412205561000 + n, n))
    world.poller()
    assert len(world.api.export_calls) == 3
    assert world.timer.sleeps == [pytest.approx(6.0), pytest.approx(6.0)]


def test_rate_limit_waits_retry_after_then_repeats_the_page(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    world.api.errors["export_page"] = [ZendeskRateLimited("429", retry_after=17)]
    report = world.poller()
    assert 17 in world.timer.sleeps and report.accepted == 1


def test_a_long_retry_after_ends_the_run_and_keeps_the_cursor(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    world.api.errors["export_page"] = [ZendeskRateLimited("429", retry_after=3600)]
    report = world.poller()
    assert report.pages == 0 and not report.finished
    assert 3600 not in world.timer.sleeps


def test_cursor_is_stored_after_each_page_and_a_restart_resumes_there(world):
    for n in range(1, 5):
        add_ticket(world, n, comment(world, 38412205561000 + n, n))
    # Page 2's first comment listing fails: the run stops mid-stream.
    original = world.api.list_comments
    calls = {"n": 0}

    def flaky(ticket_id):
        calls["n"] += 1
        if calls["n"] == 3:
            raise TransientError("Zendesk 503")
        return original(ticket_id)

    world.api.list_comments = flaky
    with pytest.raises(TransientError):
        world.poller()
    assert world.cursors.rows[PERIODIC_STREAM].cursor == "2", "page 1 done, stored"
    world.clock.advance(601)
    report = world.poller()
    cursors_asked = [cursor for _, cursor in world.api.export_calls]
    assert cursors_asked == [None, "2", "2"], "the second run resumed at page 2"
    assert report.finished and len(world.db.jobs) == 4


def test_not_due_before_the_interval(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    world.poller()
    world.clock.advance(60)
    assert world.poller().ran is False
    world.clock.advance(600)
    assert world.poller().ran is True


def test_a_ticket_gone_from_the_api_is_skipped(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    add_ticket(world, 2, comment(world, 38412205561002, 2))
    original = world.api.list_comments

    def gone(ticket_id):
        if ticket_id == 1:
            raise PermanentError("Zendesk GET: 404")
        return original(ticket_id)

    world.api.list_comments = gone
    report = world.poller()
    assert report.skipped_tickets == 1 and report.accepted == 1


def test_next_run_looks_only_at_comments_since_shortly_before_the_last_run(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    world.poller()
    stored = world.cursors.rows[PERIODIC_STREAM]
    expected = int((world.clock.now() - timedelta(hours=1)).timestamp())
    assert stored.start_time == expected and stored.cursor == "1"


def test_backfill_forgets_its_cursor_at_the_end(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1, minutes_ago=60 * 24 * 10))
    start = world.clock.now() - timedelta(days=30)
    report = world.poller.run("backfill:2026-10-21", start, keep_cursor=False)
    assert report.accepted == 1
    assert world.cursors.rows["backfill:2026-10-21"].cursor is None


def test_only_email_comments_are_taken_like_the_trigger_does(world):
    add_ticket(
        world,
        1,
        comment(world, 38412205561001, 1, channel="web"),
        comment(world, 38412205561002, 1, channel="email"),
    )
    report = world.poller()
    assert report.accepted == 1
    [job] = world.db.jobs.values()
    assert job.comment_id == 38412205561002


def test_a_rate_limit_that_never_ends_ends_the_run(world):
    add_ticket(world, 1, comment(world, 38412205561001, 1))
    world.api.errors["export_page"] = [ZendeskRateLimited("429", retry_after=30)] * 20
    report = world.poller()
    assert report.pages == 0 and not report.finished
    assert world.timer.sleeps.count(30) == 6
