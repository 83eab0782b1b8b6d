"""The review queue API (SPEC §8): list open reviews, decide one, reopen a matched job."""

from __future__ import annotations

from collections.abc import Callable

from dependency_injector.wiring import Provide, inject
from flask import jsonify, request
from flask_smorest import Blueprint
from marshmallow import ValidationError

from application.ports import StorageUnavailable
from application.retry_job import JobNotFound
from domain.decisions import InvalidDecision, MatchDecision
from domain.review import NotReviewable
from domain.users import Role
from entrypoints.container import Container
from entrypoints.http.auth import current_principal, require_role
from entrypoints.http.responses import error
from entrypoints.http.review_schemas import (
    ReopenRequestSchema,
    ReviewDecisionRequestSchema,
    ReviewListArgsSchema,
)
from entrypoints.http.schemas import (
    ErrorResponseSchema,
    JobSchema,
    ReviewJobSchema,
    ReviewListSchema,
)

blp = Blueprint("reviews", __name__, url_prefix="/api/v1", description="Review queue")
_decision_schema = ReviewDecisionRequestSchema()
_reopen_schema = ReopenRequestSchema()
_args_schema = ReviewListArgsSchema()
_job_schema = JobSchema()
_review_job_schema = ReviewJobSchema()


@blp.errorhandler(StorageUnavailable)
def storage_unavailable(exc):
    response = error(503, "unavailable")
    response.headers["Retry-After"] = "5"
    return response


def _invalid(details: dict):
    return error(400, "invalid_payload", details=details)


def _run_decision(job_id: str, schema, body_required: bool, run: Callable[[dict], object]):
    """Validate the JSON body with `schema`, run the use case, map its errors (SPEC §8)."""
    body = request.get_json(silent=True) if (body_required or request.get_data()) else {}
    if not isinstance(body, dict):
        return _invalid({"_schema": ["The body must be a JSON object."]})
    try:
        data = schema.load(body)
    except ValidationError as exc:
        return _invalid(exc.messages)
    try:
        job = run(data)
    except InvalidDecision as exc:
        return _invalid({exc.field: [exc.message]})
    except JobNotFound:
        return error(404, "not_found")
    except NotReviewable as exc:
        return error(409, "not_reviewable", reason=exc.reason)
    return jsonify(_job_schema.dump(job))


def _decision_routes(summary: str, schema, required: bool):
    """The documentation and role check the two decision routes share."""

    def decorate(view):
        for decorator in reversed(
            [
                blp.doc(
                    summary=summary,
                    requestBody={
                        "required": required,
                        "content": {"application/json": {"schema": schema}},
                    },
                ),
                blp.response(200, JobSchema),
                blp.alt_response(400, schema=ErrorResponseSchema, description="invalid_payload"),
                blp.alt_response(401, schema=ErrorResponseSchema),
                blp.alt_response(403, schema=ErrorResponseSchema),
                blp.alt_response(404, schema=ErrorResponseSchema),
                blp.alt_response(409, schema=ErrorResponseSchema, description="not_reviewable"),
                require_role(Role.REVIEWER),
            ]
        ):
            view = decorator(view)
        return view

    return decorate


@blp.route("/reviews", methods=["GET"])
@blp.doc(
    summary="Open reviews, oldest first",
    parameters=[{"in": "query", "schema": ReviewListArgsSchema}],
)
@blp.response(200, ReviewListSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
@require_role(Role.VIEWER)
@inject
def list_reviews(list_open_reviews=Provide[Container.list_open_reviews]):
    try:
        args = _args_schema.load(request.args)
    except ValidationError as exc:
        return _invalid(exc.messages)
    page = list_open_reviews(args["limit"], args["offset"])
    return jsonify(
        {
            "items": _review_job_schema.dump(page.items, many=True),
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        }
    )


@blp.route("/jobs/<job_id>/review", methods=["POST"])
@_decision_routes(
    "Resolve the open review of a job: match, or not a creditor reply",
    ReviewDecisionRequestSchema,
    required=True,
)
@inject
def decide(job_id: str, decide_review=Provide[Container.decide_review]):
    def run(data: dict):
        decision = None
        if data["action"] == "match":
            decision = MatchDecision(
                client_id=data["client_id"],
                creditor_id=data["creditor_id"],
                claim_amount=data["claim_amount"],
                currency=data["currency"],
                components={k: v for k, v in data["components"].items() if v is not None},
                remember=data["remember"],
            )
        return decide_review(job_id, decision, current_principal(), note=data.get("note"))

    return _run_decision(job_id, _decision_schema, True, run)


@blp.route("/jobs/<job_id>/reopen", methods=["POST"])
@_decision_routes(
    "Reopen the review of a matched job (a wrong auto-match)", ReopenRequestSchema, required=False
)
@inject
def reopen(job_id: str, reopen_review=Provide[Container.reopen_review]):
    def run(data: dict):
        return reopen_review(job_id, current_principal(), note=data.get("note"))

    return _run_decision(job_id, _reopen_schema, False, run)
