#!/usr/bin/env python
"""Compare the brokers that need no server for the embedded default (docs/benchmarks.md).

kombu's filesystem transport (a folder of message files) against its SQLAlchemy transport on
a SQLite file (`sqla+sqlite:///...`, needs SQLAlchemy, which the portal does not install: run it
with SQLAlchemy on PYTHONPATH). For each: publish N messages from one process while one
consumer drains them, then measure how much CPU an idle consumer burns polling for a while.

    PYTHONPATH=/path/to/sqlalchemy .venv/bin/python scripts/bench_brokers.py --messages 2000
"""

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import kombu


def connection(url: str, folder: Path) -> kombu.Connection:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(folder)}
    return kombu.Connection(url, transport_options=options if url.startswith("filesystem") else {})


def consume(url: str, folder: Path, expected: int, done) -> None:
    queue = kombu.Queue("bench", routing_key="bench")
    seen = 0
    with connection(url, folder) as conn, conn.SimpleQueue(queue) as simple:
        while seen < expected:
            simple.get(block=True, timeout=60).ack()
            seen += 1
    done.value = time.monotonic()


def idle_cpu(url: str, folder: Path, seconds: float) -> float:
    """CPU seconds per minute of a consumer polling an empty queue."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    queue = kombu.Queue("idle", routing_key="idle")
    deadline = time.monotonic() + seconds
    with connection(url, folder) as conn, conn.SimpleQueue(queue) as simple:
        while time.monotonic() < deadline:
            try:
                simple.get(block=True, timeout=deadline - time.monotonic())
            except Exception:  # noqa: S112 - Empty at the end of the wait
                continue
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used * 60 / seconds


def measure(name: str, url: str, folder: Path, messages: int, idle: float) -> None:
    done = multiprocessing.Value("d", 0.0)
    consumer = multiprocessing.Process(target=consume, args=(url, folder, messages, done))
    consumer.start()
    time.sleep(1)  # the consumer declares its queue first
    queue = kombu.Queue("bench", routing_key="bench")
    start = time.monotonic()
    with connection(url, folder) as conn, conn.SimpleQueue(queue) as simple:
        for n in range(messages):
            simple.put({"task": "bench", "n": n, "pad": "x" * 400})
    published = time.monotonic() - start
    consumer.join(120)
    drained = done.value - start
    cpu = idle_cpu(url, folder, idle)
    print(
        f"{name:<12} publish {messages / published:7.0f} msg/s   publish+consume {messages / drained:7.0f} msg/s   "
        f"idle consumer {cpu:5.2f} CPU s/min"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--idle-seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fs"
        folder.mkdir()
        measure("filesystem", "filesystem://", folder, args.messages, args.idle_seconds)
        try:
            import sqlalchemy  # noqa: F401
        except ImportError:
            print("sqlalchemy   not installed: skipped")
            return
        measure("sqla+sqlite", f"sqla+sqlite:///{tmp}/broker.sqlite3", folder, args.messages, args.idle_seconds)


if __name__ == "__main__":
    main()
