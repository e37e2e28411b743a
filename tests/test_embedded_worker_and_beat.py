"""`make run` without Redis runs every periodic job: a worker and beat on the folder broker.

The worker and beat are started from Procfile.dev's own lines (what `make run` starts), on a
fresh SQLite file and broker folder of the test's own, without REDIS_URL. Beat starts the
idle-application reminders; the worker runs them and delivers the reminder by email.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pos_portal import health

ROOT = Path(__file__).resolve().parent.parent
STARTUP_AND_DELIVERY_TIMEOUT = 120


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile.dev").read_text().splitlines():
        process, _sep, command = line.partition(":")
        if process.strip() == name:
            return command.strip()
    raise AssertionError(f"Procfile.dev has no {name} process")


def poll(predicate, timeout: float, what: str, processes: list[subprocess.Popen]):
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        for proc in processes:
            assert proc.poll() is None, f"{proc.args} exited with {proc.returncode} while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(0.5)


@pytest.fixture
def embedded(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_DIR": str(tmp_path / "broker"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private_media"),
    }
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    prepared = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from tests.embedded_setup import idle_draft_and_a_fast_reminder_schedule as f; print('REF', f())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    reference = prepared.stdout.split("REF", 1)[1].strip()
    processes = []
    try:
        for name in ("worker", "beat"):
            log = (tmp_path / f"{name}.log").open("ab")
            processes.append(
                subprocess.Popen(
                    ["bash", "-c", f"exec {procfile_command(name)}"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        yield tmp_path, reference, processes
    finally:
        for proc in processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def delivered_reminders(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database, timeout=10) as db:
        return db.execute(
            "SELECT channel, status FROM notifications_notification"
            " WHERE template = 'application.idle_draft' AND status = 'sent' ORDER BY channel"
        ).fetchall()


def test_beat_and_the_worker_deliver_a_due_reminder_without_redis(embedded, settings):
    folder, reference, processes = embedded

    sent = poll(
        lambda: (rows := delivered_reminders(folder / "db.sqlite3")) and ("email", "sent") in rows and rows,
        STARTUP_AND_DELIVERY_TIMEOUT,
        "the idle-draft reminder to be delivered by email",
        processes,
    )

    assert sent == [("email", "sent"), ("in_app", "sent")]  # once each: the job ran many times
    settings.CELERY_BROKER_DIR = folder / "broker"
    settings.REDIS_URL = ""
    beats = poll(
        lambda: (
            all(health._heartbeats(kind) for kind in ("worker", "beat"))
            and {kind: health._alive(kind, health._heartbeats(kind)) for kind in ("worker", "beat")}
        ),
        30,
        "worker and beat heartbeats",
        processes,
    )
    assert beats["worker"]["ok"] and beats["beat"]["ok"], beats
    assert reference in (folder / "worker.log").read_text(errors="replace")
