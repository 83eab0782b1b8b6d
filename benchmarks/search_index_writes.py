"""What the console search's trigram index (migration 0010, PostgreSQL) costs the writers.

Every job transition is an UPDATE that changes indexed columns (status), so PostgreSQL writes
new entries into every index of email_jobs, the GIN index included: trigrams of sender,
subject, extraction and error. This times the worker's heaviest write, a job completing with
its extraction (one UPDATE per transaction, as the worker commits), with and without the
index, alternating rounds on the same table so load changes on the shared box hit both alike.

Run: .venv/bin/python -m benchmarks.search_index_writes [--rows 100000] [--updates 1000]
"""

from __future__ import annotations

import argparse
import json
import time

import sqlalchemy as sa

from adapters.sqlalchemy.read_indexes import TEXT_SEARCH_INDEX
from benchmarks.harness import environment, percentiles
from benchmarks.scale import no_client_deadline, populated_engine

EXTRACTION = {
    "is_creditor_reply": True,
    "client_name": "Erika Mustermann",
    "client_reference": "2024-{n}",
    "creditor_name": "Inkasso Beispiel GmbH",
    "creditor_reference": "AZ {n}/24-K",
    "claim_amount": "1234.56",
    "currency": "EUR",
    "confidence": 0.93,
    "extractor": "rules",
    "non_reply_reason": None,
    "components": {"principal": "1000.00", "interest": "134.56", "costs": "100.00"},
}
COMPLETE = sa.text(
    "UPDATE email_jobs SET status = 'completed', outcome = 'matched', extraction = :x, "
    "updated_at = now(), version = version + 1 WHERE id = :id"
)


def round_of_updates(engine: sa.Engine, ids: list[str], start: int) -> list[float]:
    values = []
    for n, job_id in enumerate(ids):
        extraction = json.dumps(EXTRACTION).replace("{n}", str(start + n))
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(COMPLETE, {"x": extraction, "id": job_id})
        values.append(time.perf_counter() - started)
    return values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with environment("postgres") as env:
        engine = populated_engine(env["DATABASE_URL"], args.rows)
        with no_client_deadline(), engine.begin() as conn:
            ddl = conn.execute(
                sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                {"n": TEXT_SEARCH_INDEX},
            ).scalar_one()
        with engine.connect() as conn:
            ids = list(conn.execute(sa.text("SELECT id FROM email_jobs")).scalars())
        results: dict[str, list[float]] = {"with trigram index": [], "without": []}
        offset = 0
        for _ in range(args.rounds):
            for label in results:
                with no_client_deadline(), engine.begin() as conn:
                    conn.execute(sa.text(f"DROP INDEX IF EXISTS {TEXT_SEARCH_INDEX}"))
                    if label == "with trigram index":
                        conn.execute(sa.text(ddl))
                chunk = ids[offset : offset + args.updates]
                offset += args.updates
                results[label] += round_of_updates(engine, chunk, offset)
        print("| write (one UPDATE per transaction) | p50 ms | p95 ms | p99 ms |")
        print("|---|---|---|---|")
        for label, values in results.items():
            p = percentiles(values)
            print(
                f"| job completes with extraction, {label} | {p['p50_ms']} | {p['p95_ms']} "
                f"| {p['p99_ms']} |"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
