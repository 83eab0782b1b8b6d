"""The jobs API: list, show, retry (SPEC §4). Viewers read, operators retry (SPEC §8)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_smorest import Blueprint
from marshmallow import ValidationError

from application.ports import ConcurrencyConflict, StorageUnavailable
from application.retry_job import JobNotFound, NotRetryable
from domain.users import Role
from entrypoints.http.auth import require_role
from entrypoints.http.responses import error
from entrypoints.http.schemas import (
    ErrorResponseSchema,
    JobListArgsSchema,
    JobListSchema,
    JobSchema,
    JobSummarySchema,
)

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Job status and retry")
_args_schema = JobListArgsSchema()
_job_schema = JobSchema()
_summary_schema = JobSummarySchema()


@blp.errorhandler(StorageUnavailable)
def storage_unavailable(exc):
    response = error(503, "unavailable")
    response.headers["Retry-After"] = "5"
    return response


@blp.route("", methods=["GET"], strict_slashes=False)
@blp.doc(
    summary="List jobs, newest first", parameters=[{"in": "query", "schema": JobListArgsSchema}]
)
@blp.response(200, JobListSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
@require_role(Role.VIEWER)
def list_jobs():
    try:
        args = _args_schema.load(request.args)
    except ValidationError as exc:
        return error(400, "invalid_query", details=exc.messages)
    page = current_app.extensions["container"].list_jobs()(
        args.get("status"), args["limit"], args["offset"]
    )
    return jsonify(
        {
            "items": _summary_schema.dump(page.items, many=True),
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
            "status_counts": page.status_counts,
        }
    )


@blp.route("/<job_id>", methods=["GET"])
@blp.doc(summary="One job with its history")
@blp.response(200, JobSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
@require_role(Role.VIEWER)
def get_job(job_id: str):
    try:
        job = current_app.extensions["container"].get_job()(job_id)
    except JobNotFound:
        return error(404, "not_found")
    return jsonify(_job_schema.dump(job))


@blp.route("/<job_id>/retry", methods=["POST"])
@blp.doc(summary="Retry a failed job with a fresh retry budget")
@blp.response(202, JobSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="not_retryable")
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
@require_role(Role.OPERATOR)
def retry_job(job_id: str):
    try:
        job = current_app.extensions["container"].retry_job()(job_id)
    except JobNotFound:
        return error(404, "not_found")
    except NotRetryable as exc:
        return error(409, "not_retryable", status=exc.status)
    except ConcurrencyConflict:
        return error(409, "not_retryable", status="changed concurrently, try again")
    response = jsonify(_job_schema.dump(job))
    response.status_code = 202
    return response
