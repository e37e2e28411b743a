"""/healthz: database, Redis and a recent worker heartbeat, as JSON; 503 when one is down."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError

from pos_portal.health import record_worker_heartbeat

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


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (set by .ci/run)")
def test_the_worker_counts_as_alive_while_its_heartbeat_is_recent(client, db, settings, redis_server):
    settings.REDIS_URL = redis_server.url
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "no heartbeat in the last 60 s"}

    with time_machine.travel("2026-11-24 12:00:00 +0000", tick=False) as clock:
        record_worker_heartbeat("worker1@host")
        clock.shift(timedelta(seconds=30))
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["checks"]["worker"] == {"ok": True, "detail": "ok", "last_seen_seconds_ago": 30.0}

        clock.shift(timedelta(seconds=31))
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["worker"]["last_seen_seconds_ago"] == 61.0
    assert response.json()["checks"]["redis"]["ok"] is True


def test_it_answers_without_a_login(client, db, no_redis):
    assert client.get("/healthz").status_code == 200
