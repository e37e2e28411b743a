"""Delivery by a real Celery worker on a real Redis: the acceptance of "nothing lost".

Each test starts its own redis-server on a free port (so that it may stop it; the shared
Redis is never touched) and its own worker processes, against the test database. A
worker is another process, so the test database must be PostgreSQL: SQLite's in-memory
test database is not shared. Every process started here is stopped in a fixture's teardown.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from accounts.roles import grant_admin_permissions
from applications.choices import Status
from applications.models import MerchantApplication
from applications.services import application_submit
from notifications.models import Channel, DeliveryStatus, Notification
from notifications.services import notify
from notifications.tasks import redispatch_pending_notifications
from pos_portal.celery import app as celery_app

from .processes import RedisServer, stop_process_group, wait_for

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="a real worker is another process: it needs the test database on PostgreSQL (DATABASE_URL), "
        "SQLite's in-memory test database is not shared (set by .ci/run)",
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (set by .ci/run)"),
    pytest.mark.django_db(transaction=True),
]

CELERY = Path(sys.executable).parent / "celery"
WORKER_READY_TIMEOUT = 90
DELIVERY_TIMEOUT = 120


@pytest.fixture
def broker(redis_server, settings) -> Iterator[RedisServer]:
    """This process publishes to the test's redis-server, no longer in-process."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = redis_server.url, False
    celery_app.close()
    celery_app.amqp._producer_pool = None
    settings.REDIS_URL = redis_server.url  # what /healthz looks at
    try:
        yield redis_server
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app.close()
        celery_app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def roles(transactional_db) -> None:
    # A transactional test empties every table when it ends, the role groups included.
    grant_admin_permissions()


@pytest.fixture
def sent_log(tmp_path) -> Callable[[], list[str]]:
    path = tmp_path / "sent.log"
    return lambda: path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def gate(tmp_path) -> Path:
    folder = tmp_path / "gate"
    folder.mkdir()
    return folder


def worker_database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(broker, tmp_path, gate) -> Iterator[Callable[..., subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start(name: str, **env: str) -> subprocess.Popen:
        log_path = tmp_path / f"{name}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": broker.url,
            "SENT_LOG": str(tmp_path / "sent.log"),
            "GATE_DIR": str(gate),
            **env,
        }
        environment.pop("CELERY_BROKER_URL", None)
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "pos_portal",
                    "worker",
                    "-P",
                    "prefork",
                    "-c",
                    "1",
                    "-n",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "INFO",
                ],
                cwd=django_settings.BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(proc)

        def ready() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"worker {name} exited:\n{log_path.read_text()}")
            return "ready." in log_path.read_text()

        wait_for(ready, WORKER_READY_TIMEOUT, f"worker {name} to be ready")
        return proc

    try:
        yield start
    finally:
        for proc in started:
            stop_process_group(proc)


def email_status(app: MerchantApplication) -> str:
    row = Notification.objects.get(
        channel=Channel.EMAIL, template="application.submitted", context__reference=app.reference
    )
    return row.status


def test_a_submissions_email_is_delivered_by_the_worker(ready_draft, applicant, start_worker, sent_log, client):
    start_worker("w1")
    app = ready_draft()
    application_submit(application=app, by=applicant)

    wait_for(lambda: email_status(app) == DeliveryStatus.SENT, DELIVERY_TIMEOUT, "the worker to send the email")
    assert sent_log() == [f"{applicant.email}\t已收到申请 {app.reference}"]
    health = client.get("/healthz")
    assert health.status_code == 200, health.json()
    assert health.json()["checks"]["worker"]["ok"] is True


def test_with_redis_down_twenty_submissions_succeed_and_all_are_delivered_once_when_it_is_back(
    ready_draft, applicant, broker, start_worker, sent_log, client
):
    start_worker("w1")
    drafts = [ready_draft() for _ in range(20)]

    broker.stop()
    assert client.get("/healthz").status_code == 503
    for app in drafts:
        application_submit(application=app, by=applicant)

    assert MerchantApplication.objects.filter(status=Status.SUBMITTED).count() == 20
    emails = Notification.objects.filter(channel=Channel.EMAIL, template="application.submitted")
    assert emails.filter(status=DeliveryStatus.PENDING).count() == 20
    assert sent_log() == []

    broker.start()
    # What beat does every minute; here at once, and without the grace for fresh rows.
    redispatch_pending_notifications.delay(older_than_seconds=0)

    wait_for(
        lambda: emails.filter(status=DeliveryStatus.SENT).count() == 20,
        DELIVERY_TIMEOUT,
        "the 20 emails to be sent after Redis came back",
    )
    time.sleep(2)  # a late duplicate would show here
    assert sorted(sent_log()) == sorted(f"{applicant.email}\t已收到申请 {app.reference}" for app in drafts)
    assert set(emails.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_delivery_leaves_the_email_delivered_exactly_once(
    ready_draft, applicant, start_worker, sent_log, gate
):
    (gate / "hold").touch()
    # The broker hands a message back once unacknowledged for this long (production: an hour).
    first = start_worker("first", CELERY_VISIBILITY_TIMEOUT="5")
    app = ready_draft()
    application_submit(application=app, by=applicant)

    wait_for((gate / "started").exists, DELIVERY_TIMEOUT, "the worker to be in the middle of sending")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    (gate / "hold").unlink()
    wait_for(lambda: email_status(app) == DeliveryStatus.PENDING, 10, "the killed delivery to roll back")
    assert sent_log() == []

    start_worker("second", CELERY_VISIBILITY_TIMEOUT="5")
    wait_for(lambda: email_status(app) == DeliveryStatus.SENT, DELIVERY_TIMEOUT, "the new worker to send the email")
    time.sleep(2)  # a late duplicate would show here
    assert sent_log() == [f"{applicant.email}\t已收到申请 {app.reference}"]
    row = Notification.objects.get(channel=Channel.EMAIL)
    assert row.attempts == 1


def test_a_thousand_notifications_are_delivered_by_two_workers_in_batches_each_exactly_once(
    applicant, other_applicant, start_worker, sent_log, tmp_path
):
    start_worker("w1")
    start_worker("w2")
    people = [applicant, other_applicant]
    with transaction.atomic():  # one job's transaction: published in ten messages at the commit
        for n in range(1000):
            notify(
                recipient=people[n % 2],
                template="application.submitted",
                context={"reference": f"PA-MANY{n:04d}"},
                channels=[Channel.EMAIL],
            )
    emails = Notification.objects.filter(channel=Channel.EMAIL)

    wait_for(lambda: len(sent_log()) >= 1000, DELIVERY_TIMEOUT, "the workers to send 1,000 emails")
    wait_for(lambda: not emails.exclude(status=DeliveryStatus.SENT).exists(), 30, "the last rows to be marked sent")
    time.sleep(2)  # a late duplicate would show here
    expected = [f"{people[n % 2].email}\t已收到申请 PA-MANY{n:04d}" for n in range(1000)]
    assert sorted(sent_log()) == sorted(expected)
    assert set(emails.values_list("attempts", flat=True)) == {1}
    tasks_run = sum(
        (tmp_path / f"{name}.log").read_text().count("notifications.tasks.deliver_notifications[")
        for name in ("w1", "w2")
    )
    assert 0 < tasks_run <= 2 * 10  # "received" and "succeeded" lines of at most ten tasks
