"""The missed-delivery backstop on the real databases against the fake Zendesk server.

A comment whose webhook never came becomes a job (source "poll") and completes; the late
webhook for it is a duplicate; 20 concurrent webhook + poll deliveries give one job.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adapters.sqlalchemy.orm import email_jobs
from entrypoints.http.app import create_app
from tests.integration.zendesk.conftest import post_signed
from tests.zendesk_fake.render import render_trigger_body

TICKET = 1048213
BODY = "Sehr geehrte Damen und Herren,\nunsere Forderung beträgt 812,40 EUR.\nAz. 2024/1187"


@pytest.fixture
def container(make_container):
    return make_container()


@pytest.fixture
def comment_id(zendesk):
    creditor = zendesk.add_user("forderungen@inkasso-nord.example", "Inkasso Nord GmbH")
    zendesk.add_ticket(TICKET, "AW: Ihr Schreiben – Az. 2024/1187")
    # With its Message-ID (Zendesk keeps it in metadata.system): the poller's external_id is
    # then the message id, the webhook's the comment key, so only the second key can match.
    return zendesk.add_comment(
        TICKET,
        creditor,
        BODY,
        created_at=datetime.now(UTC) - timedelta(minutes=3),
        message_id="<f-2026-1187@inkasso-nord.example>",
    )


def webhook_body(comment_id: int) -> bytes:
    values = {
        "ticket_id": str(TICKET),
        "comment_id": str(comment_id),
        "from_email": "forderungen@inkasso-nord.example",
        "from_name": "Inkasso Nord GmbH",
        "subject": "AW: Ihr Schreiben – Az. 2024/1187",
        "body_html": BODY,
        "body_text": BODY,
    }
    return render_trigger_body(values)


def jobs(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(email_jobs)).all()


def test_a_comment_the_webhook_missed_is_polled_processed_and_the_late_webhook_is_a_duplicate(
    container, engine, comment_id
):
    report = container.poll_zendesk()()
    assert (report.accepted, report.finished) == (1, True)
    [row] = jobs(engine)
    assert row.source == "poll" and row.comment_id == comment_id
    assert row.external_id == "<f-2026-1187@inkasso-nord.example>"
    assert row.zendesk_key == f"zendesk:{TICKET}:{comment_id}"

    result = container.process_email()(row.id)
    assert result.status == "completed"

    response = post_signed(create_app(container), webhook_body(comment_id))
    assert response.status_code == 200 and response.json == {"status": "duplicate"}
    assert len(jobs(engine)) == 1


def test_the_next_poll_finds_nothing_new(container, engine, comment_id):
    container.poll_zendesk()()
    cursor_after_first = container.zendesk_cursors().load("tickets")
    assert cursor_after_first is not None and cursor_after_first.cursor
    report = container.poll_zendesk().run("tickets", datetime.now(UTC), keep_cursor=True)
    assert report.accepted == 0 and len(jobs(engine)) == 1


def test_twenty_concurrent_webhook_and_poll_deliveries_give_one_job(container, engine, comment_id):
    app = create_app(container)
    body = webhook_body(comment_id)
    start = datetime.now(UTC) - timedelta(hours=1)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def webhook() -> None:
        barrier.wait()
        response = post_signed(app, body)
        outcomes.append(response.json["status"])

    def poll(n: int) -> None:
        poller = container.poll_zendesk()
        barrier.wait()
        report = poller.run(f"race-{n}", start, keep_cursor=False)
        outcomes.extend(["accepted"] * report.accepted + ["duplicate"] * report.duplicates)

    def guarded(target, *args):
        try:
            target(*args)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(webhook,)) for _ in range(10)]
    threads += [threading.Thread(target=guarded, args=(poll, n)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(outcomes) == ["accepted"] + ["duplicate"] * 19
    [row] = jobs(engine)
    assert row.zendesk_key == f"zendesk:{TICKET}:{comment_id}"
