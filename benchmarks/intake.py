"""Intake: signed webhook posts against gunicorn (2 workers), ours beside a minimal reference
endpoint (HMAC + one insert) in the same run, on SQLite and on PostgreSQL + Redis.

Run: .venv/bin/python -m benchmarks.intake [--requests 2000] [--concurrency 16]
     [--backend sqlite postgres] [--rounds 1] [--threads 0] [--log-level WARNING]
Targets: ours/reference ≥ 0.8 req/s; p99 ≤ 25 ms at half of the measured maximum rate.

With `--rounds N` both apps are up at once and their maximum rate is measured N times each,
alternating (reference first in odd rounds, ours first in even ones), so that what else runs
on the machine weighs on both alike; the table gives the median of each app's rounds and the
ratio of each round's pair. The p99 at half rate is measured once per app after the rounds, at
half of that app's median rate.
"""

from __future__ import annotations

import argparse
import statistics
from contextlib import ExitStack

from benchmarks.harness import environment, gunicorn, load

APPS = (("reference", "benchmarks.reference_app:app"), ("ours", "wsgi:app"))


def measure(env: dict, requests: int, concurrency: int, rounds: int, threads: int = 0) -> dict:
    with ExitStack() as stack:
        urls = {
            label: stack.enter_context(gunicorn(app, env, threads=threads)) for label, app in APPS
        }
        for url in urls.values():
            load(url, 100, 4)  # warm-up
        peaks: dict[str, list[dict]] = {label: [] for label in urls}
        for round_number in range(rounds):
            order = list(urls) if round_number % 2 == 0 else list(reversed(urls))
            for label in order:
                peaks[label].append(load(urls[label], requests, concurrency))
        results = {}
        for label, url in urls.items():
            rate = statistics.median(peak["rps"] for peak in peaks[label])
            half = load(url, max(requests // 2, 200), concurrency, rate=rate / 2)
            results[label] = (peaks[label], half)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="0: 2 sync workers each; N: the Procfile's threaded worker class, 2 x N threads",
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        help="LOG_LEVEL of both apps (WARNING: ours writes no line per delivery; INFO, the "
        "production default: three)",
    )
    args = parser.parse_args()
    print(
        "| backend | app | max req/s | p50 ms | p95 ms | p99 ms | p99 ms at half rate | non-200 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    for backend in args.backend:
        with environment(backend, args.log_level) as env:
            results = measure(env, args.requests, args.concurrency, args.rounds, args.threads)
        for label, (peaks, half) in results.items():
            median = {
                key: statistics.median(peak[key] for peak in peaks)
                for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
            }
            errors: dict[int, int] = {}
            for peak in peaks:
                for status, count in peak["statuses"].items():
                    if status != 200:
                        errors[status] = errors.get(status, 0) + count
            print(
                f"| {backend} | {label} | {median['rps']:.0f} | {median['p50_ms']} "
                f"| {median['p95_ms']} | {median['p99_ms']} | {half['p99_ms']} "
                f"| {errors or '-'} |"
            )
        ratios = [
            ours["rps"] / reference["rps"]
            for reference, ours in zip(results["reference"][0], results["ours"][0], strict=True)
        ]
        print(f"| {backend} | ours/reference | {statistics.median(ratios):.2f} | | | | | |")
        if args.rounds > 1:
            pairs = ", ".join(
                f"{ours['rps']:.0f}/{reference['rps']:.0f} = {ratio:.2f}"
                for reference, ours, ratio in zip(
                    results["reference"][0], results["ours"][0], ratios, strict=True
                )
            )
            notes.append(f"{backend}, each round ours/reference req/s: {pairs}")
    for note in notes:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
