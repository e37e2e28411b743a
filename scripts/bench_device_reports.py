#!/usr/bin/env python
"""Device report throughput on the embedded default and on PostgreSQL, side by side (docs/benchmarks.md).

For each database: migrate a fresh one, make live terminals with tokens, start the portal as
`make run` does (runserver, threaded, DEBUG off), then N threads post heartbeats, each for its
own terminal, for S seconds. Prints reports stored per second, the answers' latency, and any
error. The same server, machine and load for both: only the database differs.

    .venv/bin/python scripts/bench_device_reports.py \\
        --postgres postgres://postgres@127.0.0.1:5432/pos_bench --threads 8 --seconds 30

The PostgreSQL database named is dropped and created again.
"""

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.load import Portal, run_load


def recreate_postgres(url: str) -> None:
    base, _sep, name = url.rpartition("/")
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{base}/postgres", "-q", "-c", sql], check=True)


def measure(label: str, database_url: str, folder: Path, threads: int, seconds: float) -> None:
    portal = Portal(folder, database_url)
    portal.manage("migrate", "--noinput")
    plan = portal.call("prepare", terminals=threads, drafts=1)
    portal.start()
    try:
        run_load(portal.port, plan, threads=threads, seconds=3, uploads=False)  # warm up
        results = run_load(portal.port, plan, threads=threads, seconds=seconds, uploads=False)
    finally:
        portal.stop()
    latencies = sorted(results.latencies)
    p95 = latencies[int(len(latencies) * 0.95)] if latencies else 0
    print(
        f"{label:<22} {results.reports_stored / results.seconds:7.1f} reports/s   "
        f"median {statistics.median(latencies) * 1000 if latencies else 0:6.1f} ms   p95 {p95 * 1000:6.1f} ms   "
        f"errors {len(results.errors)}"
    )
    for error in results.errors[:3]:
        print("   ", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be dropped and created")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    cpus = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    print(f"{platform.platform()}, Python {platform.python_version()}, {cpus} CPUs; {args.threads} threads")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sqlite"
        folder.mkdir()
        measure("SQLite (embedded)", f"sqlite:///{folder / 'db.sqlite3'}", folder, args.threads, args.seconds)
        if args.postgres:
            recreate_postgres(args.postgres)
            folder = Path(tmp) / "postgres"
            folder.mkdir()
            measure("PostgreSQL", args.postgres, folder, args.threads, args.seconds)


if __name__ == "__main__":
    main()
