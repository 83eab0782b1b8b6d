"""Intake: signed webhook posts against gunicorn (2 workers), ours beside a minimal reference
endpoint (HMAC + one insert) in the same run, on SQLite and on PostgreSQL + Redis.

Run: .venv/bin/python -m benchmarks.intake [--requests 2000] [--concurrency 16] [--backend sqlite postgres]
Targets: ours/reference ≥ 0.8 req/s; p99 ≤ 25 ms at half of the measured maximum rate.
"""

from __future__ import annotations

import argparse

from benchmarks.harness import environment, gunicorn, load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    rows = []
    for backend in args.backend:
        with environment(backend) as env:
            results = {}
            for label, app in (("reference", "benchmarks.reference_app:app"), ("ours", "wsgi:app")):
                with gunicorn(app, env) as url:
                    load(url, 100, 4)  # warm-up
                    peak = load(url, args.requests, args.concurrency)
                    half = load(
                        url, max(args.requests // 2, 200), args.concurrency, rate=peak["rps"] / 2
                    )
                results[label] = (peak, half)
                rows.append((backend, label, peak, half))
            ratio = results["ours"][0]["rps"] / results["reference"][0]["rps"]
            rows.append((backend, "ratio", {"rps": ratio}, None))
    print(
        "| backend | app | max req/s | p50 ms | p95 ms | p99 ms | p99 ms at half rate | non-200 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for backend, label, peak, half in rows:
        if label == "ratio":
            print(f"| {backend} | ours/reference | {peak['rps']:.2f} | | | | | |")
            continue
        errors = {k: v for k, v in peak["statuses"].items() if k != 200}
        print(
            f"| {backend} | {label} | {peak['rps']:.0f} | {peak['p50_ms']} | {peak['p95_ms']} | {peak['p99_ms']} | {half['p99_ms']} | {errors or '-'} |"
        )


if __name__ == "__main__":
    main()
