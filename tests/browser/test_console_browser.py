"""The console in Chromium: log in, live counts, filters, bulk retry, review by keyboard,
what a viewer does not see, and CSRF. Requirements: SPEC §9 and issue 15."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import (
    load_case,
    log_in,
    open_reviews,
    screenshot,
    seed_failed,
)


def _statuses(live_app, ids):
    with live_app.container.engine().connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, status FROM email_jobs"),
        )
        found = dict(rows.all())
    return [found[i] for i in ids]


def test_login_and_the_dashboard_follows_a_webhook_by_itself(page, live_app):
    live_app.send_case(load_case("telekom_total_table_with_quote_and_signature"))
    log_in(page, live_app, "admin")
    matched = page.locator('[data-count="outcome-matched"]')
    expect(matched).to_have_text("1")
    live_app.send_case(load_case("html_only_table_gesamtforderung"))
    live_app.send_case(load_case("namesake_without_reference_needs_review"))
    # No reload: the dashboard's own script refreshes it every few seconds.
    expect(matched).to_have_text("2", timeout=15_000)
    expect(page.locator('[data-count="outcome-needs_review"]')).to_have_text("1")
    expect(page.locator("svg.chart rect")).to_have_count(48)
    screenshot(page, "dashboard")


def test_jobs_filter_lives_in_the_url_and_the_job_page_shows_everything(page, live_app):
    live_app.send_case(load_case("telekom_total_table_with_quote_and_signature"))
    live_app.send_case(load_case("out_of_office_german"))
    failed = seed_failed(live_app, 2)
    log_in(page, live_app, "admin")
    page.get_by_role("link", name="Aufträge").click()
    expect(page.locator("table.jobs tbody tr")).to_have_count(4)
    screenshot(page, "jobs")
    page.get_by_label("Status").select_option("failed")
    page.get_by_label("Suche (Ticket, Absender, Betreff, Aktenzeichen, Fehler)").fill("ValueError")
    page.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(re.compile(r"status=failed.*q=ValueError"))
    rows = page.locator("table.jobs tbody tr")
    expect(rows).to_have_count(2)
    page.reload()  # the filter survives a reload: it is in the URL
    expect(rows).to_have_count(2)
    page.goto(live_app.url("/console/jobs?q=KD-4471-2290"))  # file number in the extraction
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    expect(page.locator("#job-status")).to_contain_text("Zugeordnet")
    expect(page.get_by_text("Telekom Deutschland GmbH").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("in Zendesk öffnen"))).to_have_attribute(
        "href", re.compile(r"^https://kanzlei-test\.zendesk\.com/agent/tickets/48000$")
    )
    expect(page.locator("#email-body")).to_contain_text("Gesamtforderung 812,40 EUR")
    screenshot(page, "job")
    page.goto(live_app.url(f"/console/jobs/{failed[0]}"))
    expect(page.locator("pre.error").first).to_contain_text("Betrag nicht lesbar in Zeile 3")


def test_bulk_retry_shows_the_count_and_runs_only_after_confirmation(page, live_app):
    failed = seed_failed(live_app, 3)
    log_in(page, live_app, "olga")
    page.goto(live_app.url("/console/jobs?status=failed"))
    page.get_by_role("button", name=re.compile("Alle fehlgeschlagenen")).click()
    expect(page.locator("#bulk-count")).to_contain_text("3")
    assert _statuses(live_app, failed) == ["failed"] * 3  # the dry run changed nothing
    page.get_by_role("button", name="3 Aufträge jetzt neu starten").click()
    expect(page.locator(".flash-ok")).to_contain_text("3 Aufträge neu eingereiht")
    # Immediate mode ran them through the pipeline again: none is failed any more.
    assert "failed" not in _statuses(live_app, failed)
    with live_app.container.engine().connect() as conn:
        actions = conn.execute(sa.text("SELECT actor, action FROM console_actions")).all()
    assert [tuple(a) for a in actions] == [("olga", "bulk_retry")]


def test_review_screen_works_with_the_keyboard_only(page, live_app):
    live_app.send_case(load_case("namesake_without_reference_needs_review"))
    live_app.send_case(load_case("two_creditor_domains_same_reference_ambiguous"))
    first, second = open_reviews(live_app)
    log_in(page, live_app, "rita")
    page.goto(live_app.url("/console/reviews"))
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_app.url(f"/console/reviews/{first}"))
    expect(page.locator("#email-body")).to_be_visible()
    candidates = page.locator('input[name="pair"][data-key]')
    assert candidates.count() >= 2
    page.keyboard.press("2")
    expect(page.locator('input[data-key="2"]')).to_be_checked()
    page.keyboard.press("/")
    expect(page.locator("#dq")).to_be_focused()
    page.keyboard.type("Hoffmann")
    page.keyboard.press("Enter")
    expect(page.locator('label[for^="hit-"]').first).to_contain_text("Hoffmann")
    screenshot(page, "review")
    page.keyboard.press("j")
    expect(page).to_have_url(live_app.url(f"/console/reviews/{second}"))
    page.keyboard.press("k")
    expect(page).to_have_url(live_app.url(f"/console/reviews/{first}"))
    page.keyboard.press("1")
    expect(page.locator('input[data-key="1"]')).to_be_checked()
    page.keyboard.press("Enter")  # books candidate 1 with the extracted amount
    expect(page).to_have_url(live_app.url(f"/console/reviews/{second}"))
    page.keyboard.press("n")
    expect(page.locator("#decide-not-reply")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_app.url("/console/reviews"))
    expect(page.get_by_text("Keine offenen Prüfungen.")).to_be_visible()
    with live_app.container.engine().connect() as conn:
        booked = conn.execute(sa.text("SELECT job_id, source, decided_by FROM claim_updates")).all()
        outcomes = dict(conn.execute(sa.text("SELECT id, outcome FROM email_jobs")).all())
    assert [tuple(b) for b in booked] == [(first, "review", "rita")]
    assert (outcomes[first], outcomes[second]) == ("matched", "not_creditor_reply")


def test_a_viewer_sees_no_email_body_and_no_action_buttons(page, live_app):
    live_app.send_case(load_case("telekom_total_table_with_quote_and_signature"))
    live_app.send_case(load_case("hoffmann_two_clients_no_reference_review"))
    (review_id,) = open_reviews(live_app)
    failed = seed_failed(live_app, 1)
    log_in(page, live_app, "vera")
    expect(page.get_by_role("button", name=re.compile("Wiederherstellungslauf"))).to_have_count(0)
    page.goto(live_app.url("/console/jobs?status=failed"))
    expect(page.get_by_role("button", name=re.compile("Alle fehlgeschlagenen"))).to_have_count(0)
    page.goto(live_app.url(f"/console/jobs/{failed[0]}"))
    expect(page.locator("#no-body")).to_be_visible()
    expect(page.locator("#email-body")).to_have_count(0)
    expect(page.get_by_role("button", name="Neu starten")).to_have_count(0)
    page.goto(live_app.url(f"/console/reviews/{review_id}"))
    expect(page.locator("#email-body")).to_have_count(0)
    expect(page.locator("#decision")).to_have_count(0)
    assert "Hoffmann" not in page.locator("#no-body").inner_text()


def test_a_form_without_csrf_token_is_refused(page, live_app):
    failed = seed_failed(live_app, 1)
    log_in(page, live_app, "olga")
    page.goto(live_app.url(f"/console/jobs/{failed[0]}"))
    page.locator('form:has(#retry) input[name="csrf_token"]').evaluate("el => el.remove()")
    page.get_by_role("button", name="Neu starten").click()
    expect(page.locator(".flash-error")).to_contain_text("Sicherheitsmerkmal fehlt")
    assert _statuses(live_app, failed) == ["failed"]
