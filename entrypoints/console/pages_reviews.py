"""Review queue and review screen (SPEC §9) on the review use cases of SPEC §8."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from application.retry_job import JobNotFound
from domain.decisions import COMPONENTS, InvalidDecision
from domain.review import NotReviewable
from domain.users import Role
from entrypoints.console.blueprint import blp, container, current_user, render_error, require
from entrypoints.console.highlight import highlight
from entrypoints.console.review_decision import COMPONENT_LABELS, decide, decision_message

QUEUE_PAGE = 200


@blp.route("/reviews", methods=["GET"])
@require(Role.VIEWER)
def reviews():
    page = container().review_queue()(QUEUE_PAGE, 0)
    return render_template("console/reviews.html", page=page)


def _neighbours(job_id: str) -> tuple[str | None, str | None]:
    """The open reviews before and after this one, oldest first (J/K)."""
    ids = container().console.job_detail().open_review_ids()
    if job_id not in ids:
        return None, ids[0] if ids else None
    index = ids.index(job_id)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following


def _review_page(job_id: str, error: str | None = None, form=None, status: int = 200):
    user = current_user()
    try:
        detail = container().console.job_detail()(job_id[:64], user)
    except JobNotFound:
        return render_error(404, "Diesen Auftrag gibt es nicht.")
    search_text = request.args.get("dq", "")[:100]
    hits = container().search_directory()(search_text) if search_text else []
    previous, following = _neighbours(detail.id)
    others = (
        container().console.mark_reviewing()(detail.id, user)
        if detail.review_status == "open"
        else []
    )
    extraction = detail.extraction or {}
    segments = (
        highlight(detail.cleaned_body, extraction.get("evidence"))
        if detail.cleaned_body is not None
        else None
    )
    page = render_template(
        "console/review.html",
        job=detail,
        segments=segments,
        hits=hits,
        search_text=search_text,
        previous_id=previous,
        next_id=following,
        can_decide=user.can(Role.REVIEWER) and detail.review_status == "open",
        components=[(name, COMPONENT_LABELS[name]) for name in COMPONENTS],
        claim_components=extraction.get("claim_components") or {},
        form=form or {},
        error=error,
        others=others,
    )
    return page, status


@blp.route("/reviews/<job_id>", methods=["GET"])
@require(Role.VIEWER)
def review(job_id: str):
    return _review_page(job_id)


@blp.route("/reviews/<job_id>/decide", methods=["POST"])
@require(Role.REVIEWER)
def decide_review(job_id: str):
    job_id = job_id[:64]
    _, following = _neighbours(job_id)
    try:
        decide(container(), job_id, request.form, current_user())
    except JobNotFound:
        return render_error(404, "Diesen Auftrag gibt es nicht.")
    except InvalidDecision as exc:
        return _review_page(job_id, decision_message(exc), request.form, 400)
    except NotReviewable as exc:
        return _review_page(
            job_id, f"Nicht mehr zu prüfen ({exc.reason}). Bitte die nächste öffnen.", None, 409
        )
    if following is None:
        # It was the newest: go on with the oldest still open (this one is no longer).
        _, following = _neighbours(job_id)
    if following:
        return redirect(url_for("console.review", job_id=following))
    return redirect(url_for("console.reviews"))
