"""`flask zendesk trigger-body` and `flask zendesk backfill` against the fake Zendesk server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from adapters.sqlalchemy.orm import email_jobs
from entrypoints.http.app import create_app
from entrypoints.http.trigger_body import PLACEHOLDERS


def runner(container):
    return create_app(container).test_cli_runner()


def test_trigger_body_prints_the_template(make_container):
    result = runner(make_container()).invoke(args=["zendesk", "trigger-body"])
    assert result.exit_code == 0
    assert json.loads(result.output) == PLACEHOLDERS


def test_backfill_takes_old_comments_once_and_reports(make_container, zendesk, engine):
    creditor = zendesk.add_user("forderungen@inkasso-nord.example", "Inkasso Nord")
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    for ticket in (501, 502):
        zendesk.add_ticket(ticket, f"Ticket {ticket}")
        zendesk.add_comment(ticket, creditor, "Forderung 10,00 EUR", created_at=ten_days_ago)
    since = (ten_days_ago - timedelta(days=1)).date().isoformat()
    cli = runner(make_container())

    first = cli.invoke(args=["zendesk", "backfill", "--since", since])
    assert first.exit_code == 0, first.output
    assert "2 new jobs, 0 already known" in first.output
    again = cli.invoke(args=["zendesk", "backfill", "--since", since])
    assert "0 new jobs, 2 already known" in again.output
    with engine.connect() as conn:
        sources = conn.execute(select(email_jobs.c.source)).scalars().all()
    assert sources == ["poll", "poll"]


def test_backfill_without_api_settings_says_what_is_missing(make_container):
    container = make_container(zendesk_email=None, zendesk_api_token=None)
    result = runner(container).invoke(args=["zendesk", "backfill", "--since", "2026-11-01"])
    assert result.exit_code != 0 and "ZENDESK_API_TOKEN" in result.output


def test_backfill_rejects_a_bad_date(make_container):
    result = runner(make_container()).invoke(args=["zendesk", "backfill", "--since", "1.11.2026"])
    assert result.exit_code == 2 and "--since" in result.output
