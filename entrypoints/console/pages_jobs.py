"""Jobs list, job page and the operator actions (SPEC §9): retry, bulk retry, recovery sweep."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from application.console import job_list
from application.console.job_list import (
    InvalidFilter,
    decode_cursor,
    encode_cursor,
    parse_filter,
)
from application.console.operator_actions import BULK_RETRY_LIMIT
from application.ports import ConcurrencyConflict
from application.retry_job import JobNotFound, NotRetryable
from domain.users import Role
from entrypoints.console.blueprint import blp, container, current_user, render_error, require
from entrypoints.console.highlight import highlight

FILTER_FIELDS = ("status", "outcome", "q", "from", "to")


def _filter_args(source) -> dict[str, str]:
    return {name: source.get(name, "") for name in FILTER_FIELDS if source.get(name)}


def _parse(source):
    return parse_filter(
        source.get("status"),
        source.get("outcome"),
        source.get("q"),
        source.get("from"),
        source.get("to"),
    )


@blp.route("/jobs", methods=["GET"])
@require(Role.VIEWER)
def jobs():
    args = _filter_args(request.args)
    newest_first = request.args.get("sort", "newest") != "oldest"
    try:
        job_filter = _parse(request.args)
        after = decode_cursor(request.args.get("after"))
    except InvalidFilter as exc:
        return render_template(
            "console/jobs.html", page=None, args=args, error=str(exc), newest_first=newest_first
        ), 400
    page = container().console.list_jobs()(job_filter, after, newest_first, job_list.PAGE_SIZE)
    next_url = None
    if page.next_cursor is not None:
        next_url = url_for(
            "console.jobs",
            **args,
            sort="newest" if newest_first else "oldest",
            after=encode_cursor(page.next_cursor),
        )
    return render_template(
        "console/jobs.html",
        page=page,
        args=args,
        error=None,
        next_url=next_url,
        newest_first=newest_first,
        paged=after is not None,
    )


@blp.route("/jobs/<job_id>", methods=["GET"])
@require(Role.VIEWER)
def job(job_id: str):
    try:
        detail = container().console.job_detail()(job_id[:64], current_user())
    except JobNotFound:
        return render_error(404, "Diesen Auftrag gibt es nicht.")
    evidence = (detail.extraction or {}).get("evidence")
    segments = highlight(detail.cleaned_body, evidence) if detail.cleaned_body is not None else None
    subdomain = container().settings().zendesk_subdomain
    zendesk_url = (
        f"https://{subdomain}.zendesk.com/agent/tickets/{detail.ticket_id}" if subdomain else None
    )
    return render_template(
        "console/job.html", job=detail, segments=segments, zendesk_url=zendesk_url
    )


@blp.route("/jobs/<job_id>/retry", methods=["POST"])
@require(Role.OPERATOR)
def retry(job_id: str):
    try:
        container().console.retry_one()(job_id[:64], current_user())
    except JobNotFound:
        return render_error(404, "Diesen Auftrag gibt es nicht.")
    except NotRetryable:
        flash("Nur ein fehlgeschlagener Auftrag kann neu gestartet werden.", "error")
    except ConcurrencyConflict:
        flash("Der Auftrag wurde gerade geändert. Bitte erneut versuchen.", "error")
    else:
        container().console.dashboard().invalidate()
        flash("Auftrag neu eingereiht.", "ok")
    return redirect(url_for("console.job", job_id=job_id))


@blp.route("/jobs/bulk-retry", methods=["POST"])
@require(Role.OPERATOR)
def bulk_retry():
    """Step 1 (no `confirm`): count what would be retried. Step 2 (`confirm` = that count): do it."""
    args = _filter_args(request.form)
    try:
        job_filter = _parse(request.form)
    except InvalidFilter as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.jobs", **args))
    bulk = container().console.bulk_retry()
    count = bulk.count(job_filter)
    confirmed = request.form.get("confirm")
    if confirmed is None or confirmed != str(count):
        # First step, or the selection changed since the count was shown: show it (again).
        changed = confirmed is not None
        return render_template(
            "console/bulk_retry.html",
            args=args,
            count=count,
            limit=BULK_RETRY_LIMIT,
            changed=changed,
        )
    result = bulk(job_filter, current_user())
    container().console.dashboard().invalidate()
    flash(
        f"{len(result.retried)} Aufträge neu eingereiht"
        + (f", {len(result.skipped)} übersprungen (inzwischen geändert)" if result.skipped else "")
        + ".",
        "ok",
    )
    return redirect(url_for("console.jobs", **args))


@blp.route("/recover", methods=["POST"])
@require(Role.OPERATOR)
def recover():
    report = container().console.run_sweep()(current_user())
    container().console.dashboard().invalidate()
    flash(
        "Wiederherstellungslauf ausgeführt: "
        f"{len(report.expired_leases)} abgelaufene Sperren, {len(report.requeued)} neu übergeben, "
        f"{len(report.alerts)} Warnungen erneut gesendet.",
        "ok",
    )
    return redirect(url_for("console.dashboard"))
