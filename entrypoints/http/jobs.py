"""The jobs API: list, show, retry (SPEC §4). Bearer auth when JOBS_API_TOKEN is set."""

from __future__ import annotations

import hmac

from dependency_injector.wiring import Provide, inject
from flask import jsonify, request
from flask_smorest import Blueprint

from application.job_queries import GetJob, ListJobs
from application.ports import ConcurrencyConflict
from application.retry_job import JobNotFound, NotRetryable, RetryJob
from entrypoints.container import Container
from entrypoints.http.responses import error
from entrypoints.http.schemas import (
    ErrorResponseSchema,
    JobListArgsSchema,
    JobListSchema,
    JobSchema,
    JobSummarySchema,
)
from entrypoints.settings import Settings

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Job status and retry")
_job_schema = JobSchema()
_summary_schema = JobSummarySchema()


@blp.before_request
@inject
def require_token(settings: Settings = Provide[Container.settings]):
    token = settings.jobs_api_token
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


@blp.route("", methods=["GET"], strict_slashes=False)
@blp.doc(summary="List jobs, newest first")
# A bad query argument is 400 invalid_payload with details (the app's handler shapes it).
@blp.arguments(JobListArgsSchema, location="query", error_status_code=400)
@blp.response(200, JobListSchema)
@blp.alt_response(400, schema=ErrorResponseSchema, description="invalid_payload")
@blp.alt_response(401, schema=ErrorResponseSchema)
@inject
def list_jobs(args: dict, list_jobs: ListJobs = Provide[Container.list_jobs]):
    page = list_jobs(args.get("status"), args["limit"], args["offset"])
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
@inject
def get_job(job_id: str, get_job: GetJob = Provide[Container.get_job]):
    try:
        job = get_job(job_id)
    except JobNotFound:
        return error(404, "not_found")
    return jsonify(_job_schema.dump(job))


@blp.route("/<job_id>/retry", methods=["POST"])
@blp.doc(summary="Retry a failed job with a fresh retry budget")
@blp.response(202, JobSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="not_retryable")
@blp.alt_response(401, schema=ErrorResponseSchema)
@inject
def retry_job(job_id: str, retry_job: RetryJob = Provide[Container.retry_job]):
    try:
        job = retry_job(job_id)
    except JobNotFound:
        return error(404, "not_found")
    except NotRetryable as exc:
        return error(409, "not_retryable", status=exc.status)
    except ConcurrencyConflict:
        return error(409, "not_retryable", status="changed concurrently, try again")
    response = jsonify(_job_schema.dump(job))
    response.status_code = 202
    return response
