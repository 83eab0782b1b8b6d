"""Webhook → Huey → ProcessEmail with Claude (local Messages API) and the SQL directory: a
payment Claude reports beside a figure equal to the claim on file (the import's 790.00 for
Jana Hoffmann / Telekom) sends the job to review with the conflict named, and nothing is
booked. Runs on SQLite and PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.sqlalchemy.orm import claim_updates
from tests.integration.messages_api import tool_response
from tests.integration.worker.support import EMAIL, post

PAYMENT_EMAIL = {
    **EMAIL,
    "message_id": "<claude-payment@telekom.example>",
    "body_text": "Ihre Mandantin Frau Jana Hoffmann: Wir haben eine Zahlung von 100,00 EUR "
    "erhalten. Offen sind 790,00 EUR. Kundennummer: KD-4471-2290",
}
REPLY = {
    "is_creditor_reply": True,
    "client_name": "Jana Hoffmann",
    "client_reference": "2024/1187",
    "creditor_name": "Telekom",
    "creditor_reference": "KD-4471-2290",
    "claim_amount": "790.00",
    "confidence": 0.9,
    "evidence": {"claim_amount": "790,00 EUR", "payment": "Zahlung von 100,00 EUR"},
}


def test_payment_beside_the_claim_on_file_goes_to_review(pipeline_worker, messages_api, engine):
    messages_api.replies.append((200, tool_response(REPLY), 0))
    worker = pipeline_worker(claude=True)
    job = worker.wait_for(post(worker, PAYMENT_EMAIL))
    assert job.status.value == "completed" and job.outcome.value == "needs_review"
    assert job.extraction.evidence["payment"].text == "Zahlung von 100,00 EUR"
    assert job.match.conflicts == (
        "a payment is reported (Zahlung von 100,00 EUR), yet the amount equals the claim on "
        "file (790.00)",
    )
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 0
