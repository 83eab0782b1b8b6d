"""The jobs API: list, show, retry (SPEC §4). Bearer auth when JOBS_API_TOKEN is set."""

from __future__ import annotations

import hmac
import re

from flask import current_app, jsonify, request
from flask_smorest import Blueprint
from marshmallow import ValidationError

from application.ports import ConcurrencyConflict, StorageUnavailable
from application.retry_job import JobNotFound, NotRetryable
from entrypoints.http.responses import error
from entrypoints.http.schemas import (
    ErrorResponseSchema,
    JobListArgsSchema,
    JobListSchema,
    JobSchema,
    JobSummarySchema,
)

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Job status and retry")
# OpenAPI: the bearer scheme (JOBS_API_TOKEN) is declared in app.py as "bearerAuth".
BEARER = [{"bearerAuth": []}]
# Job ids are UUIDs; anything else (a NUL, 10 kB of text) cannot name a job: 404, no query.
_JOB_ID = re.compile(r"[0-9A-Za-z-]{1,64}")
_args_schema = JobListArgsSchema()
_job_schema = JobSchema()
_summary_schema = JobSummarySchema()


@blp.before_request
def require_token():
    token = current_app.extensions["container"].settings().jobs_api_token
    if not token:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        response = error(401, "unauthorized")
        response.headers["WWW-Authenticate"] = 'Bearer realm="creditor-inbox"'
        return response
    return None


@blp.errorhandler(StorageUnavailable)
def storage_unavailable(exc):
    response = error(503, "unavailable")
    response.headers["Retry-After"] = "5"
    return response


@blp.route("", methods=["GET"], strict_slashes=False)
@blp.doc(
    summary="List jobs, newest first",
    parameters=[{"in": "query", "schema": JobListArgsSchema}],
    security=BEARER,
)
@blp.response(200, JobListSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
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
@blp.doc(summary="One job with its history", security=BEARER)
@blp.response(200, JobSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
def get_job(job_id: str):
    if not _JOB_ID.fullmatch(job_id):
        return error(404, "not_found")
    try:
        job = current_app.extensions["container"].get_job()(job_id)
    except JobNotFound:
        return error(404, "not_found")
    return jsonify(_job_schema.dump(job))


@blp.route("/<job_id>/retry", methods=["POST"])
@blp.doc(summary="Retry a failed job with a fresh retry budget", security=BEARER)
@blp.response(202, JobSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="not_retryable")
@blp.alt_response(401, schema=ErrorResponseSchema)
def retry_job(job_id: str):
    if not _JOB_ID.fullmatch(job_id):
        return error(404, "not_found")
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
