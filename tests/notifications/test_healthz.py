"""/healthz: database, Redis and a recent worker heartbeat, as JSON; 503 when one is down."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError

from pos_portal.celery import app as celery_app
from pos_portal.health import record_heartbeat, record_worker_heartbeat

from .processes import free_port

IN_PROCESS = {"ok": True, "detail": "not configured (in-process)"}


@pytest.fixture
def no_redis(settings):
    settings.REDIS_URL = ""


def test_on_the_embedded_default_it_is_healthy_with_tasks_in_process(client, db, no_redis):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"] == IN_PROCESS
    assert body["checks"]["worker"] == IN_PROCESS
    assert body["checks"]["beat"] == IN_PROCESS


def test_a_database_that_does_not_answer_makes_it_503(client, db, no_redis, monkeypatch):
    class DownDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("pos_portal.health.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "OperationalError"}


def test_a_redis_that_does_not_answer_makes_it_503(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["ok"] is False
    assert checks["redis"]["detail"] == "ConnectionError"
    assert checks["worker"]["ok"] is False


def test_it_answers_without_a_login(client, db, no_redis):
    assert client.get("/healthz").status_code == 200


@pytest.fixture
def embedded_broker(settings, tmp_path, no_redis):
    """The embedded default as `make run` runs it: tasks go to the folder broker, not in-process."""
    settings.CELERY_BROKER_DIR = tmp_path / "broker"
    celery_app.conf.task_always_eager = False
    yield settings.CELERY_BROKER_DIR
    celery_app.conf.task_always_eager = True  # as tests/conftest.py left it


@pytest.fixture(params=["folder", "redis"])
def heartbeat_store(request, embedded_broker, settings):
    """Where workers and beat note they are alive: the broker folder, or Redis when REDIS_URL is set."""
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("needs REDIS_URL (set by .ci/run)")
        settings.REDIS_URL = request.getfixturevalue("redis_server").url
    return request.param


def test_worker_and_beat_count_as_alive_while_their_heartbeats_are_recent(client, db, heartbeat_store, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["ok"] is True
    assert checks["worker"] == checks["beat"] == {"ok": False, "detail": "no heartbeat in the last 60 s"}

    with time_machine.travel("2026-11-24 12:00:00 +0000", tick=False) as clock:
        record_worker_heartbeat("worker1@host")
        clock.shift(timedelta(seconds=10))
        response = client.get("/healthz")
        assert response.status_code == 503  # beat is not running: nobody starts the reminders
        assert response.json()["checks"]["worker"] == {"ok": True, "detail": "ok", "last_seen_seconds_ago": 10.0}
        assert response.json()["checks"]["beat"]["ok"] is False

        record_heartbeat("beat", "beat@host")
        clock.shift(timedelta(seconds=20))
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["checks"]["beat"] == {"ok": True, "detail": "ok", "last_seen_seconds_ago": 20.0}

        clock.shift(timedelta(seconds=31))
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["worker"]["last_seen_seconds_ago"] == 61.0


def test_a_heartbeat_note_that_cannot_be_written_is_logged_not_raised(embedded_broker, caplog):
    (embedded_broker / "heartbeats").parent.mkdir(parents=True)
    (embedded_broker / "heartbeats").write_text("a file where the folder should be")

    record_heartbeat("worker", "worker1@host")

    assert "could not record the worker heartbeat" in caplog.text
