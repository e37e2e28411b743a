"""Fixtures of the notification tests: SMS in memory, tasks in-process unless a test
starts a real worker, and a filled draft ready to submit."""

from collections.abc import Callable, Iterator

import pytest

from accounts.models import User
from applications.models import MerchantApplication
from installations.samples import fill
from notifications import sms

from .processes import RedisServer


@pytest.fixture(autouse=True)
def sms_outbox(settings) -> Iterator[list[sms.SmsMessage]]:
    settings.SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def ready_draft(applicant) -> Callable[..., MerchantApplication]:
    """ready_draft() -> a complete draft of `applicant` (or `owner`), not yet submitted."""
    counter = iter(range(100, 10_000))

    def make(owner: User | None = None) -> MerchantApplication:
        person = owner or applicant
        app = MerchantApplication.objects.create(applicant=person)
        return fill(app, person, next(counter))

    return make


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
