"""One job as the console shows it: timeline, candidates with directory names, ledger rows."""

from __future__ import annotations

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from adapters.sqlalchemy.directory_book import PAIR_COLUMNS, PAIRS, pair_from_row
from adapters.sqlalchemy.orm import claim_updates, clients, creditors, email_jobs, job_history
from adapters.sqlalchemy.review_tables import review_decisions
from application.console.views import Candidate, JobDetail, LedgerRow, TimelineEntry

MAX_CANDIDATES = 5


def _candidates(session: Session, match) -> list[Candidate]:
    if match is None:
        return []
    pairs = [(c.client_id, c.creditor_id, c.score) for c in match.candidates[:MAX_CANDIDATES]]
    if not pairs and match.client_id and match.creditor_id:
        pairs = [(match.client_id, match.creditor_id, match.score)]
    if not pairs:
        return []
    names = {
        (row.client_id, row.creditor_id): pair_from_row(row)
        for row in session.execute(
            select(*PAIR_COLUMNS)
            .select_from(PAIRS)
            .where(tuple_(clients.c.id, creditors.c.id).in_([(a, b) for a, b, _ in pairs]))
        )
    }
    result = []
    for rank, (client_id, creditor_id, score) in enumerate(pairs, start=1):
        pair = names.get((client_id, creditor_id))
        result.append(
            Candidate(
                rank=rank,
                client_id=client_id,
                creditor_id=creditor_id,
                score=score,
                client_name=pair.client_name if pair else None,
                creditor_name=pair.creditor_name if pair else None,
                client_reference=pair.client_reference if pair else None,
                creditor_reference=pair.creditor_reference if pair else None,
            )
        )
    return result


def load_job_detail(session: Session, job_id: str, with_body: bool) -> JobDetail | None:
    job = session.execute(select(email_jobs).where(email_jobs.c.id == job_id)).first()
    if job is None:
        return None
    timeline = [
        TimelineEntry(
            attempt=h.attempt,
            at=h.at,
            from_status=str(h.from_status),
            to_status=str(h.to_status),
            result=h.result,
            error=h.error.to_dict() if h.error else None,
        )
        for h in session.execute(
            select(job_history).where(job_history.c.job_id == job_id).order_by(job_history.c.id)
        )
    ]
    ledger = [
        LedgerRow(
            id=r.id,
            client_id=r.client_id,
            creditor_id=r.creditor_id,
            amount=f"{r.amount:.2f}",
            currency=r.currency,
            created_at=r.created_at,
            mirrored_at=r.mirrored_at,
            source=r.source,
            decided_by=r.decided_by,
            supersedes=r.supersedes,
        )
        for r in session.execute(
            select(claim_updates)
            .where(claim_updates.c.job_id == job_id)
            .order_by(claim_updates.c.id)
        )
    ]
    decisions = [
        {
            "action": d.action,
            "decided_by": d.decided_by,
            "decided_at": d.decided_at,
            "note": d.note,
        }
        for d in session.execute(
            select(review_decisions)
            .where(review_decisions.c.job_id == job_id)
            .order_by(review_decisions.c.seq)
        )
    ]
    body = original = None
    if with_body:
        body = job.cleaned_body if job.cleaned_body is not None else job.body_text
        original = job.body_text or None
    return JobDetail(
        id=job.id,
        external_id=job.external_id,
        ticket_id=job.ticket_id,
        from_email=job.from_email,
        from_name=job.from_name,
        subject=job.subject,
        status=str(job.status),
        outcome=str(job.outcome) if job.outcome else None,
        attempts=job.attempts,
        manual_retries=job.manual_retries,
        received_at=job.received_at,
        completed_at=job.completed_at,
        next_attempt_at=job.next_attempt_at,
        last_error=job.last_error.to_dict() if job.last_error else None,
        review_status=job.review_status,
        extraction=job.extraction.to_dict() if job.extraction else None,
        match_score=job.match.score if job.match else None,
        timeline=timeline,
        candidates=_candidates(session, job.match),
        ledger=ledger,
        cleaned_body=body,
        original_body=original,
        decisions=decisions,
    )
