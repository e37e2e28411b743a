"""Delivery by a real Celery worker on a real Redis: the acceptance of "nothing lost".

Each test starts its own redis-server on a free port (so that it may stop it; the shared
Redis is never touched) and its own worker processes, against the test database, which must
be PostgreSQL: workers delivering at once rely on its row locks (SKIP LOCKED), which SQLite
ignores. Every process started here is stopped in a fixture's teardown.
"""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
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
        reason="real workers deliver concurrently: they need PostgreSQL's row locks (SKIP LOCKED), which "
        "SQLite ignores (DATABASE_URL, set by .ci/run)",
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (set by .ci/run)"),
    pytest.mark.django_db(transaction=True),
]

CELERY = Path(sys.executable).parent / "celery"
WORKER_READY_TIMEOUT = 90
DELIVERY_TIMEOUT = 120
# Long enough for a duplicate message to be taken and run; the wait ends as soon as none is left.
IDLE_TIMEOUT = 60


@pytest.fixture
def broker(redis_server, settings) -> Iterator[RedisServer]:
    """This process publishes to the test's redis-server, no longer in-process."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = redis_server.url, False
    forget_connections()
    settings.REDIS_URL = redis_server.url  # what /healthz looks at
    try:
        yield redis_server
    finally:
        conf.broker_url, conf.task_always_eager = saved
        forget_connections()


def forget_connections() -> None:
    """Make the app take its connections and producers for the broker now configured.

    What celery_app.close() does, but for the last step: close() also takes the app out of
    Celery's active apps, so that a task module imported afterwards (its shared tasks) would
    never be registered in it, and a later test looking a task up by name would find nothing.
    The pools themselves are kombu's, shared by broker address: left open for the next user.
    """
    celery_app._pool = None
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
def workers() -> dict[str, subprocess.Popen]:
    """The workers a test started, by node name."""
    return {}


@pytest.fixture
def start_worker(broker, tmp_path, gate, workers) -> Iterator[Callable[..., subprocess.Popen]]:
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
        workers[f"{name}@{socket.gethostname()}"] = proc
        return proc

    try:
        yield start
    finally:
        for proc in started:
            stop_process_group(proc)


def nothing_in_flight(broker: RedisServer, workers: dict[str, subprocess.Popen]) -> bool:
    """No message that could still send: none waiting in Redis, none held by a live worker.

    Checked in the order a message moves (the queue, the workers, Redis's unacknowledged
    messages, which a message leaves only once its task has run): one on its way is seen at
    one of the steps, never missed between two.
    """
    client = redis.Redis.from_url(broker.url)
    if client.llen("celery"):
        return False
    live = [node for node, proc in workers.items() if proc.poll() is None]
    inspect = celery_app.control.inspect(destination=live, timeout=5, limit=len(live))
    for held in (inspect.active(), inspect.reserved(), inspect.scheduled()):
        if held is None or set(held) != set(live) or any(held.values()):
            return False  # a worker did not answer, or holds a task (running, prefetched or waiting)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


@pytest.fixture
def until_idle(broker, workers) -> Callable[[], None]:
    """Wait until no late duplicate can arrive any more, instead of sleeping a while."""
    return lambda: wait_for(
        lambda: nothing_in_flight(broker, workers), IDLE_TIMEOUT, "the workers and the queue to be idle"
    )


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
    assert health.json()["checks"]["worker"]["ok"] is True
    # No beat runs in this test: /healthz says so, and only that.
    assert health.status_code == 503, health.json()
    assert {name for name, check in health.json()["checks"].items() if not check["ok"]} == {"beat"}


def test_with_redis_down_twenty_submissions_succeed_and_all_are_delivered_once_when_it_is_back(
    ready_draft, applicant, broker, start_worker, sent_log, client, until_idle
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
    until_idle()  # a late duplicate would be sent by now
    assert sorted(sent_log()) == sorted(f"{applicant.email}\t已收到申请 {app.reference}" for app in drafts)
    assert set(emails.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_delivery_leaves_the_email_delivered_exactly_once(
    ready_draft, applicant, start_worker, sent_log, gate, until_idle
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
    until_idle()  # a late duplicate would be sent by now
    assert sent_log() == [f"{applicant.email}\t已收到申请 {app.reference}"]
    row = Notification.objects.get(channel=Channel.EMAIL)
    assert row.attempts == 1


def test_a_thousand_notifications_are_delivered_by_two_workers_in_batches_each_exactly_once(
    applicant, other_applicant, start_worker, sent_log, tmp_path, until_idle
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
    until_idle()  # a late duplicate would be sent by now
    expected = [f"{people[n % 2].email}\t已收到申请 PA-MANY{n:04d}" for n in range(1000)]
    assert sorted(sent_log()) == sorted(expected)
    assert set(emails.values_list("attempts", flat=True)) == {1}
    tasks_run = sum(
        (tmp_path / f"{name}.log").read_text().count("notifications.tasks.deliver_notifications[")
        for name in ("w1", "w2")
    )
    assert 0 < tasks_run <= 2 * 10  # "received" and "succeeded" lines of at most ten tasks
