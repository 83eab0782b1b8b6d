"""Review queue and review screen (SPEC §9) on the review use cases of SPEC §8."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from application.retry_job import JobNotFound
from domain.users import Role
from entrypoints.console.blueprint import blp, container, current_user, render_error, require
from entrypoints.console.highlight import highlight
from entrypoints.console.review_decision import DecisionUnavailable, decide


@blp.route("/reviews", methods=["GET"])
@require(Role.VIEWER)
def reviews():
    queue = container().console.review_queue()()
    return render_template("console/reviews.html", queue=queue, now=container().clock().now())


def _neighbours(job_id: str) -> tuple[str | None, str | None]:
    ids = [row.id for row in container().console.review_queue()()]
    if job_id not in ids:
        return None, ids[0] if ids else None
    index = ids.index(job_id)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following


@blp.route("/reviews/<job_id>", methods=["GET"])
@require(Role.VIEWER)
def review(job_id: str):
    user = current_user()
    try:
        detail = container().console.job_detail()(job_id[:64], user)
    except JobNotFound:
        return render_error(404, "Diesen Auftrag gibt es nicht.")
    search_text = request.args.get("dq", "")[:100]
    hits = container().console.review_queue().search_directory(search_text) if search_text else []
    previous, following = _neighbours(detail.id)
    evidence = (detail.extraction or {}).get("evidence")
    segments = highlight(detail.cleaned_body, evidence) if detail.cleaned_body is not None else None
    return render_template(
        "console/review.html",
        job=detail,
        segments=segments,
        hits=hits,
        search_text=search_text,
        previous_id=previous,
        next_id=following,
        can_decide=user.can(Role.REVIEWER) and detail.review_status == "open",
        error=None,
    )


@blp.route("/reviews/<job_id>/decide", methods=["POST"])
@require(Role.REVIEWER)
def decide_review(job_id: str):
    _, following = _neighbours(job_id)
    try:
        message = decide(container(), job_id[:64], request.form, current_user())
    except DecisionUnavailable as exc:
        return render_error(501, str(exc))
    if message is not None:
        return render_error(400, message)
    if following is None:
        following = next(
            (row.id for row in container().console.review_queue()() if row.id != job_id), None
        )
    if following:
        return redirect(url_for("console.review", job_id=following))
    return redirect(url_for("console.reviews"))
