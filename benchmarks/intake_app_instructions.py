"""Intake instructions per delivery of the app alone (valgrind's callgrind): ours beside the
reference, on SQLite or PostgreSQL + Redis, each app in a fresh process under valgrind.

CPU time on a shared machine swings by a factor of two between runs of the same code; the
number of instructions a delivery executes does not depend on what else runs, so it separates
two codes by a few percent in one run each. It counts what the process executes (Python, the
C extensions, SQLite's own work in process), not the database server or Redis, and not how
long the instructions take (cache misses, waits). Instrumentation is switched on
(`callgrind_control -i on`) only around the measured deliveries, after the warm-up; the
deliveries are called with prebuilt WSGI environs as in `intake_app_cpu`.
Needs valgrind (apt-get install valgrind). About a minute per app.
Run: .venv/bin/python -m benchmarks.intake_app_instructions [--requests 300]
     [--backend sqlite postgres]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile

from benchmarks.harness import BIN, ROOT, environment


def _measured(which: str, requests: int) -> None:
    """Inside valgrind: warm up, then the measured deliveries with instrumentation on."""
    from benchmarks.intake_app_cpu import warmed_up

    app, environs, start_response, statuses = warmed_up(which, requests, warm_up=100)
    control = ["callgrind_control", "-i"]
    subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
    for environ in environs:
        b"".join(app(environ, start_response))
    subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)
    assert statuses == {"200 OK"}, statuses


def _instructions(out_file: str) -> int:
    """The file's last total: callgrind writes a part per dump, the last holds the run."""
    with open(out_file) as lines:
        totals = [
            int(line.split()[1]) for line in lines if line.startswith(("summary:", "totals:"))
        ]
    if not totals:
        raise RuntimeError(f"no totals in {out_file}")
    return totals[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--inside", choices=["reference", "ours"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        _measured(args.inside, args.requests)
        return
    print("| backend | app | thousand instructions per delivery |")
    print("|---|---|---|")
    for backend in args.backend:
        with environment(backend) as env, tempfile.TemporaryDirectory() as tmp:
            for which in ("reference", "ours"):
                out_file = f"{tmp}/callgrind.{which}"
                command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
                command += [f"--callgrind-out-file={out_file}", str(BIN / "python")]
                command += ["-m", "benchmarks.intake_app_instructions", "--inside", which]
                command += ["--requests", str(args.requests)]
                subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
                per_delivery = _instructions(out_file) / args.requests / 1000
                print(f"| {backend} | {which} | {per_delivery:.0f} |")


if __name__ == "__main__":
    main()
