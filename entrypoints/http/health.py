"""Liveness and readiness probes."""

from __future__ import annotations

import structlog
from dependency_injector.wiring import Provide, inject
from flask import jsonify
from flask_smorest import Blueprint

from application.ports import JobQueries, TaskQueue
from entrypoints.container import Container
from entrypoints.http.schemas import HealthSchema

log = structlog.get_logger(__name__)
blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
def healthz():
    return jsonify({"status": "ok"})


@blp.route("/readyz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="names the dependency that failed")
@inject
def readyz(
    queries: JobQueries = Provide[Container.job_queries],
    queue: TaskQueue = Provide[Container.task_queue],
):
    failed = []
    for name, check in (("database", queries.ping), ("queue", queue.ping)):
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; it is logged
            log.warning("readiness_check_failed", dependency=name, error=str(exc))
            failed.append(name)
    if failed:
        response = jsonify({"status": "unavailable", "failed": failed})
        response.status_code = 503
        return response
    return jsonify({"status": "ok"})
