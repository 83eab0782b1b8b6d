"""PollZendesk: the backstop for lost webhook deliveries (SPEC §10).

Reads Zendesk's cursor-based incremental ticket export from the cursor stored in SQL, lists
the comments of each changed ticket, and hands every public inbound comment to ReceiveEmail
with source "poll". ReceiveEmail's two unique keys decide what is new: a comment the webhook
already delivered is a duplicate, and a late webhook delivery of a polled comment is one too.

Zendesk's limits: at most 10 export requests a minute (paced here), Retry-After on a 429.
The cursor is stored after each page, so a restart mid-stream resumes after the last page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.ports import Clock
from application.receive_email import ReceiveEmail, Reception
from application.zendesk_ports import (
    ChangedTicket,
    CursorStore,
    ZendeskApi,
    ZendeskComment,
    ZendeskRateLimited,
)
from domain.errors import PermanentError
from domain.values import Attachment, InboundEmail, JobSource

log = logging.getLogger(__name__)

PERIODIC_STREAM = "tickets"
MAX_RATE_LIMITED_WAITS = 5


@dataclass(frozen=True)
class PollSettings:
    interval: timedelta = timedelta(seconds=600)
    export_requests_per_minute: int = 10
    # First poll ever: how far back to look (older mail: `flask zendesk backfill`).
    first_lookback: timedelta = timedelta(hours=24)
    # A comment older than the previous run's start minus this is not looked at again.
    comment_margin: timedelta = timedelta(hours=1)
    # A Retry-After longer than this ends the run (the next run resumes from the cursor).
    max_retry_after: timedelta = timedelta(minutes=5)


@dataclass
class PollReport:
    stream: str
    pages: int = 0
    tickets: int = 0
    inbound_comments: int = 0
    accepted: int = 0
    duplicates: int = 0
    skipped_tickets: int = 0
    finished: bool = False
    ran: bool = True
    # How far the stream has got: the newest `updated_at` of a ticket read (for progress).
    position: datetime | None = None


class PollZendesk:
    def __init__(
        self,
        api: ZendeskApi,
        cursors: CursorStore,
        receive_email: ReceiveEmail,
        clock: Clock,
        settings: PollSettings = PollSettings(),
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api = api
        self._cursors = cursors
        self._receive = receive_email
        self._clock = clock
        self._settings = settings
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_export_at: float | None = None

    def __call__(self) -> PollReport:
        """The periodic run: only when the interval since the last page has passed."""
        now = self._clock.now()
        stored = self._cursors.load(PERIODIC_STREAM)
        if stored is not None and stored.updated_at + self._settings.interval > now:
            return PollReport(PERIODIC_STREAM, ran=False)
        start = now - self._settings.first_lookback
        return self.run(PERIODIC_STREAM, start, keep_cursor=True)

    def run(
        self,
        stream: str,
        start: datetime,
        keep_cursor: bool,
        progress: Callable[[PollReport], None] | None = None,
    ) -> PollReport:
        """Read `stream` from its stored cursor (or from `start`) to the end of the stream.

        keep_cursor: the periodic stream keeps its cursor to continue next time; a backfill
        forgets it at the end, so running it again starts again from `start`.
        """
        run_started = self._clock.now()
        stored = self._cursors.load(stream)
        cursor = stored.cursor if stored else None
        since = stored.start_time if stored and stored.start_time is not None else _unix(start)
        report = PollReport(stream)
        log.info(
            "zendesk_poll_started",
            extra={"stream": stream, "resuming": cursor is not None, "since": since},
        )
        while True:
            page = self._export_page(since, cursor)
            if page is None:
                break  # rate limited for longer than we wait: the next run resumes here
            report.pages += 1
            for ticket in _unique(page.tickets):
                self._take_ticket(ticket, since, report)
                if ticket.updated_at and (
                    report.position is None or ticket.updated_at > report.position
                ):
                    report.position = ticket.updated_at
            cursor = page.after_cursor
            if page.end_of_stream:
                report.finished = True
                if keep_cursor:
                    # Next run: comments from shortly before this run started on.
                    since = _unix(run_started - self._settings.comment_margin)
                else:
                    cursor = None
            self._cursors.save(stream, cursor, since, self._clock.now())
            if progress is not None:
                progress(report)
            if report.finished:
                break
        log.info(
            "zendesk_poll_finished",
            extra={k: v for k, v in vars(report).items() if k != "position"},
        )
        return report

    # -- one page, one ticket ----------------------------------------------------------------

    def _export_page(self, since: int, cursor: str | None):
        for _ in range(MAX_RATE_LIMITED_WAITS + 1):
            self._pace()
            try:
                return self._api.export_page(None if cursor else since, cursor)
            except ZendeskRateLimited as exc:
                wait = exc.retry_after
                log.warning("zendesk_rate_limited", extra={"retry_after": wait})
                if wait > self._settings.max_retry_after.total_seconds():
                    return None
                self._sleep(wait)
        return None  # still limited: end this run, the next one resumes from the cursor

    def _pace(self) -> None:
        """At most `export_requests_per_minute` export requests a minute."""
        spacing = 60.0 / max(1, self._settings.export_requests_per_minute)
        if self._last_export_at is not None:
            wait = self._last_export_at + spacing - self._monotonic()
            if wait > 0:
                self._sleep(wait)
        self._last_export_at = self._monotonic()

    def _take_ticket(self, ticket: ChangedTicket, since: int, report: PollReport) -> None:
        if ticket.status == "deleted":
            return
        report.tickets += 1
        try:
            comments = self._api.list_comments(ticket.id)
        except PermanentError as exc:
            # Deleted or not visible to the API user since: nothing to take from it.
            report.skipped_tickets += 1
            log.warning("zendesk_ticket_skipped", extra={"ticket_id": ticket.id, "error": str(exc)})
            return
        for comment in comments:
            if not comment.is_inbound or _unix(comment.created_at) < since:
                continue
            report.inbound_comments += 1
            result = self._receive(_inbound_email(ticket, comment))
            if result.status is Reception.ACCEPTED:
                report.accepted += 1
                log.info(
                    "zendesk_comment_recovered",
                    extra={
                        "job_id": result.job_id,
                        "ticket_id": ticket.id,
                        "comment_id": comment.id,
                    },
                )
            else:
                report.duplicates += 1


def _inbound_email(ticket: ChangedTicket, comment: ZendeskComment) -> InboundEmail:
    return InboundEmail(
        ticket_id=ticket.id,
        comment_id=comment.id,
        message_id=comment.message_id,
        from_email=comment.author_email or "",
        from_name=comment.author_name,
        subject=ticket.subject,
        body_html=comment.html_body,
        body_text=comment.plain_body,
        received_at=comment.created_at,
        attachments=tuple(
            Attachment(a.content_url, a.file_name, a.content_type, a.size)
            for a in comment.attachments
        ),
        source=JobSource.POLL,
    )


def _unique(tickets: list[ChangedTicket]) -> list[ChangedTicket]:
    seen: dict[int, ChangedTicket] = {}
    for ticket in tickets:
        seen[ticket.id] = ticket
    return list(seen.values())


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())
