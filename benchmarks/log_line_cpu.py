"""CPU per INFO log line, as production writes them (LOG_FORMAT=json by default), to /dev/null.

    .venv/bin/python -m benchmarks.log_line_cpu [--lines 4000] [--rounds 7] [--format json]
        [--profile]

configure_logging(format, "INFO", secrets) as web and worker do, then the webhook's three
lines per delivery (`job_received` through stdlib logging with extra=, `webhook_answered` and
`http_request` through structlog) and the worker's kind of line (stdlib with extra=), with
the request/job id bound in the context. Prints process CPU µs per line, best of the rounds
(thread CPU time: other processes on the machine do not count).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import time

import structlog

from entrypoints.logging_config import configure_logging

SECRETS = ["whsec-0123456789abcdef", "zd-token-abcdefghijkl", "sk-ant-0123456789", "smtp-pw-xyz"]


def _webhook_lines(count: int) -> None:
    app_log = logging.getLogger("application.receive_email")
    webhook = structlog.get_logger("entrypoints.http.webhook")
    request = structlog.get_logger("entrypoints.http.app")
    for i in range(count):
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=f"{i:032x}")
        app_log.info(
            "job_received",
            extra={
                "job_id": f"job-{i}",
                "external_id": f"zendesk:{i}:42",
                "ticket_id": 1000 + i,
                "source": "webhook",
            },
        )
        webhook.info("webhook_answered", status="accepted", handed_to_queue=True)
        request.info(
            "http_request", method="POST", path="/webhooks/zendesk", status=202, duration_ms=1.25
        )
    structlog.contextvars.clear_contextvars()


def _worker_lines(count: int) -> None:
    log = logging.getLogger("application.process_email")
    structlog.contextvars.bind_contextvars(job_id="job-1", task="process_email")
    for i in range(count):
        log.info("job_claimed", extra={"job_id": "job-1", "attempt": 1})
        log.info("body_cleaned", extra={"job_id": "job-1", "chars": 1200 + i})
        log.info(
            "entities_extracted",
            extra={"job_id": "job-1", "model": "claude", "entities": 3, "confidence": 0.92},
        )
    structlog.contextvars.clear_contextvars()


def _cpu_per_line(run, count: int, lines_per_call: int) -> float:
    started = time.thread_time_ns()
    run(count)
    return (time.thread_time_ns() - started) / 1000 / (count * lines_per_call)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=4000, help="calls per round (3 lines each)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--format", default="json", choices=["json", "console"])
    parser.add_argument("--profile", action="store_true", help="cProfile one round of each")
    args = parser.parse_args()

    configure_logging(args.format, "INFO", SECRETS)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    devnull = open(os.devnull, "w")  # noqa: SIM115 - for the process's lifetime
    handler.setStream(devnull)

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(_webhook_lines, args.lines)
        profile.runcall(_worker_lines, args.lines)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return
    _webhook_lines(200)  # warm-up: loggers cached, key caches filled
    _worker_lines(200)
    webhook = min(_cpu_per_line(_webhook_lines, args.lines, 3) for _ in range(args.rounds))
    worker = min(_cpu_per_line(_worker_lines, args.lines, 3) for _ in range(args.rounds))
    print(
        f"{args.format}: webhook lines {webhook:.2f} µs/line, worker lines {worker:.2f} µs/line "
        f"(best of {args.rounds} x {args.lines * 3} lines; load {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
