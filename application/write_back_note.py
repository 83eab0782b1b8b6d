"""The internal note and tags the Zendesk write-back puts on a ticket (German: agents read it).

The note carries a marker with the job id, so a write-back whose PUT went through but whose
commit did not (a crash in between) is recognised on the ticket and not posted twice.
"""

from __future__ import annotations

from decimal import Decimal

from domain.model import EmailJob
from domain.values import Outcome

TAGS = {
    Outcome.MATCHED: "creditor-inbox-matched",
    Outcome.NEEDS_REVIEW: "creditor-inbox-needs-review",
    Outcome.NOT_CREDITOR_REPLY: "creditor-inbox-not-a-reply",
}


def marker(job_id: str) -> str:
    return f"[creditor-inbox Job {job_id}]"


def write_back_tags(job: EmailJob) -> list[str]:
    return [TAGS[job.outcome]] if job.outcome in TAGS else []


def write_back_note(job: EmailJob) -> str:
    lines = [_headline(job)]
    match = job.match
    if job.outcome is Outcome.NEEDS_REVIEW and match is not None:
        for conflict in getattr(match, "conflicts", None) or []:
            lines.append(f"Widerspruch: {conflict}")
        if match.candidates:
            best = ", ".join(
                f"{c.client_id}/{c.creditor_id} ({c.score:.2f})" for c in match.candidates[:3]
            )
            lines.append(f"Beste Kandidaten: {best}")
    for attachment in job.attachment_texts or []:
        if attachment.note:
            lines.append(f"Anhang {attachment.filename}: {attachment.note}")
    lines.append(marker(job.id))
    return "\n".join(lines)


def _headline(job: EmailJob) -> str:
    extraction, match = job.extraction, job.match
    if job.outcome is Outcome.MATCHED and extraction and match:
        amount = _german_amount(extraction.claim_amount)
        currency = (extraction.currency or "EUR").upper()
        return (
            f"creditor-inbox: Forderung gebucht: {amount} {currency} "
            f"(Mandant {match.client_id}, Gläubiger {match.creditor_id}, Score {match.score:.2f})."
        )
    if job.outcome is Outcome.NEEDS_REVIEW:
        score = f" (Score {match.score:.2f})" if match else ""
        return f"creditor-inbox: Bitte prüfen: keine sichere Zuordnung{score}; nichts gebucht."
    return "creditor-inbox: Keine Gläubiger-Antwort erkannt; nichts gebucht."


def _german_amount(amount: Decimal | None) -> str:
    if amount is None:
        return "?"
    text = f"{amount:,.2f}"  # 1,234.56
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
