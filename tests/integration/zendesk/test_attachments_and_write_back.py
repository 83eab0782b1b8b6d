"""Attachments and write-back end to end: the fake Zendesk server, the real databases, the
rules extractor reading the PDF's text layer beside the body, the SQL ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.sqlalchemy.orm import claim_updates
from entrypoints.http.app import create_app
from tests.integration.zendesk.conftest import post_signed
from tests.zendesk_fake.pdf import encrypt, make_pdf
from tests.zendesk_fake.render import render_trigger_body

TICKET = 2048213
SENDER = "forderungen@inkasso-nord.example"
BODY = (
    "Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere aktuelle Forderungsaufstellung.\n\n"
    "Mit freundlichen Grüßen\nInkasso Nord GmbH"
)
STATEMENT = [
    "Inkasso Nord GmbH - Forderungsaufstellung",
    "Ihr Zeichen: 2024/1187",
    "Unser Zeichen: KD-4471-2290",
    "Schuldnerin: Jana Hoffmann",
    "Hauptforderung: 1.234,56 EUR",
    "Zinsen: 45,56 EUR",
    "Gesamtforderung: 1.280,12 EUR",
]
DIRECTORY = {
    "clients": [
        {
            "id": "M-1",
            "name": "Jana Hoffmann",
            "reference": "2024/1187",
            "creditors": [
                {
                    "id": "C-1",
                    "name": "Inkasso Nord GmbH",
                    "reference": "KD-4471-2290",
                    "email": SENDER,
                }
            ],
        }
    ]
}


@pytest.fixture
def make_container(make_container):
    def factory(**overrides):
        return make_container(directory=DIRECTORY, **{"zendesk_write_back": True, **overrides})

    return factory


def deliver(container, zendesk, attachments) -> str:
    """The creditor's reply lands in Zendesk; the trigger posts it; returns the job id."""
    creditor = zendesk.add_user(SENDER, "Inkasso Nord GmbH")
    zendesk.add_ticket(TICKET, "AW: Ihr Schreiben")
    comment_id = zendesk.add_comment(
        TICKET,
        creditor,
        BODY,
        attachments=attachments,
        created_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    body = render_trigger_body(
        {
            "ticket_id": str(TICKET),
            "comment_id": str(comment_id),
            "from_email": SENDER,
            "from_name": "Inkasso Nord GmbH",
            "subject": "AW: Ihr Schreiben",
            "body_html": BODY,
            "body_text": BODY,
        }
    )
    response = post_signed(create_app(container), body)
    assert response.json == {"status": "accepted"}
    with container.unit_of_work() as uow:
        return uow.jobs.get_by_zendesk_key(f"zendesk:{TICKET}:{comment_id}").id


def ledger(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(claim_updates)).all()


def test_a_claim_only_in_the_pdf_is_booked_with_the_right_amount(make_container, zendesk, engine):
    container = make_container()
    pdf = make_pdf(STATEMENT)
    job_id = deliver(container, zendesk, [("Forderungsaufstellung.pdf", "application/pdf", pdf)])

    result = container.process_email()(job_id)

    assert (result.status, result.outcome) == ("completed", "matched")
    [row] = ledger(engine)
    assert row.amount == Decimal("1280.12") and (row.client_id, row.creditor_id) == ("M-1", "C-1")
    job = container.job_queries().get_job(job_id)
    [text] = job.attachment_texts
    assert text.filename == "Forderungsaufstellung.pdf" and "Gesamtforderung" in text.text
    # The download followed the 302 to the second host without credentials.
    [download] = zendesk.recorded("GET", "/files/")
    assert download.host == "127.0.0.2" and download.authorization is None


def test_without_the_api_settings_the_body_alone_is_read(make_container, zendesk, engine):
    container = make_container(zendesk_email=None, zendesk_api_token=None, zendesk_write_back=False)
    job_id = deliver(container, zendesk, [("a.pdf", "application/pdf", make_pdf(STATEMENT))])
    result = container.process_email()(job_id)
    assert result.status == "completed" and result.outcome != "matched"
    assert ledger(engine) == []
    assert zendesk.recorded() == []  # the API was never called
    assert container.job_queries().get_job(job_id).attachment_texts is None


@pytest.mark.parametrize(
    ("file", "note"),
    [
        (("brief.pdf", "application/pdf", encrypt(make_pdf(STATEMENT))), "encrypted"),
        (("kaputt.pdf", "application/pdf", b"%PDF-1.4\n1 0 obj <<"), "cannot be read"),
        (("scan.pdf", "application/pdf", make_pdf([])), "no text"),
    ],
)
def test_unreadable_pdfs_are_skipped_with_a_note(make_container, zendesk, engine, file, note):
    container = make_container()
    job_id = deliver(container, zendesk, [file])
    result = container.process_email()(job_id)
    assert result.status == "completed"
    [text] = container.job_queries().get_job(job_id).attachment_texts
    assert note in text.note and text.text == ""


def test_write_back_posts_one_internal_note_with_the_tag(make_container, zendesk, queue):
    container = make_container()
    job_id = deliver(container, zendesk, [("f.pdf", "application/pdf", make_pdf(STATEMENT))])
    container.process_email()(job_id)
    assert [t.arg for t in queue.named("write_back")] == [job_id]

    assert container.write_back_to_zendesk()(job_id) is True
    assert container.write_back_to_zendesk()(job_id) is False  # a retry does not post twice
    [note] = zendesk.notes(TICKET)
    assert "Forderung gebucht: 1.280,12 EUR" in note["body"]
    assert zendesk.state.tickets[TICKET]["tags"] == ["creditor-inbox-matched"]
    assert len(zendesk.recorded("PUT")) == 1
    assert container.job_queries().get_job(job_id).written_back_at is not None


def test_a_note_posted_before_a_crash_is_not_posted_again(make_container, zendesk, engine):
    container = make_container()
    job_id = deliver(container, zendesk, [])
    container.process_email()(job_id)
    container.write_back_to_zendesk()(job_id)
    # Simulate the crash between the PUT and the commit: forget that it was written.
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE email_jobs SET written_back_at = NULL")
    assert container.write_back_to_zendesk()(job_id) is False
    assert len(zendesk.recorded("PUT")) == 1


def test_a_failing_write_back_leaves_the_job_completed(make_container, zendesk):
    container = make_container()
    job_id = deliver(container, zendesk, [])
    container.process_email()(job_id)
    zendesk.fail(f"/api/v2/tickets/{TICKET}.json", 403)
    from domain.errors import PermanentError

    with pytest.raises(PermanentError):
        container.write_back_to_zendesk()(job_id)
    job = container.job_queries().get_job(job_id)
    assert job.status.value == "completed" and job.written_back_at is None
