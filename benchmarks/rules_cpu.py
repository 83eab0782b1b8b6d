"""Where the rules extractor's CPU goes: µs per email in total (unprofiled) and by function
(cProfile's shares scaled to that total), on the worker benchmark's email and on the dev
corpus. Measures adapters/rules/ without changing it.

Run: .venv/bin/python -m benchmarks.rules_cpu [--top 22]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time

from adapters.clock import SystemClock
from adapters.parsing.cleaner import EmailCleaner
from adapters.rules.extractor import RulesExtractor
from benchmarks.worker import email
from tests.fixtures.pipeline import FIXTURES

CORPUS = FIXTURES / "corpus" / "dev.json"


def _inputs() -> dict[str, list[tuple]]:
    cleaner = EmailCleaner()
    bench = email(0, SystemClock())
    corpus = []
    for item in json.loads(CORPUS.read_text(encoding="utf-8"))["emails"]:
        p = item["payload"]
        body = cleaner.clean(p.get("body_html") or "", p.get("body_text") or "")
        corpus.append((body, p.get("subject") or "", p["from_email"], p.get("from_name")))
    return {
        "benchmark email": [
            (cleaner.clean("", bench.body_text), bench.subject, bench.from_email, bench.from_name)
        ],
        f"dev corpus ({len(corpus)} emails)": corpus,
    }


def _run(extractor: RulesExtractor, items: list[tuple], reps: int) -> float:
    started = time.process_time()
    for _ in range(reps):
        for args in items:
            extractor.extract(*args)
    return (time.process_time() - started) / (reps * len(items)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=22)
    args = parser.parse_args()
    extractor = RulesExtractor()
    for label, items in _inputs().items():
        reps = max(1, 3000 // len(items))
        _run(extractor, items, 1)  # warm-up: compiled patterns, caches
        total = _run(extractor, items, reps)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        _run(extractor, items, reps)
        profiler.disable()
        stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        profiled = sum(
            v[3] for k, v in stats.items() if k[2] == "extract" and "rules/extractor.py" in k[0]
        )
        calls = reps * len(items)
        rows = [
            (ct / profiled * total, tt / profiled * total, nc / calls, file, fn)
            for (file, _line, fn), (_cc, nc, tt, ct, _callers) in stats.items()
            if "/adapters/rules/" in file
        ]
        print(f"\n### {label}: {total:.0f} µs/email (unprofiled)\n")
        print("| function (adapters/rules/) | cumulative µs/email | own µs/email | calls/email |")
        print("|---|---|---|---|")
        for cumulative, own, per_email, file, fn in sorted(rows, reverse=True)[: args.top]:
            where = f"{file.split('/adapters/rules/')[-1]}:{fn}"
            print(f"| {where} | {cumulative:.0f} | {own:.0f} | {per_email:.1f} |")


if __name__ == "__main__":
    main()
