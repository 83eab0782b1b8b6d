"""gunicorn's side of prometheus_client's multiprocess mode (used by gunicorn.conf.py).

The directory must be set before any worker imports prometheus_client, wiped at start (stale
files of a previous run would be summed in), and a dead worker's live gauges dropped.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def prepare_directory(default: Path) -> str:
    """Use PROMETHEUS_MULTIPROC_DIR (or `default`), emptied; export it to the workers."""
    path = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or default)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return str(path)


def mark_worker_dead(pid: int) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
