"""People and helpers shared by every test.

People come from fixtures (DESIGN.md): applicant, other_applicant, reviewer, other_reviewer,
installer, support, admin_user. Applications in a given state come from `application_in`,
which walks them there through the real services.
"""

import os
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django_fsm_log.models import StateLog
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from applications.choices import Status
from applications.models import MerchantApplication
from installations.samples import carry
from notifications.models import Notification

PASSWORD = "correct-horse-battery-9"

# Hypothesis: the suite (and CI) draws the same examples each run, so a red run can be re-run and
# a green one does not turn red by chance; HYPOTHESIS_PROFILE=explore draws new ones, to look
# for what the fixed ones miss (the admin's forms found three library 500s that way).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing with the production hasher costs ~0.3 s a user; tests need no brute-force resistance."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Staff fixtures sign in with force_login and no authenticator app; tests/security/ turns
    # the requirement on where it is what they test. Sign-up answers need no floor either.
    settings.STAFF_MFA_REQUIRED = False
    settings.ACCOUNT_ANSWER_FLOOR_SECONDS = 0.0


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttles and rate limits count in the cache: one test's failures are not the next one's."""
    from django.core.cache import cache

    from pos_portal.cache import fallback_memory

    cache.clear()
    fallback_memory().clear()  # where the counters live while a test keeps Redis unreachable


def make_person(email: str, role: str | None, **extra: object) -> User:
    user = User.objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, mobile="+8613900139000", **extra
    )
    if role:
        # get_or_create: transactional tests flush the groups the migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def applicant(db) -> User:
    return make_person("applicant@example.cn", "Applicant", first_name="小明", last_name="王")


@pytest.fixture
def other_applicant(db) -> User:
    return make_person("other.applicant@example.cn", "Applicant", first_name="娜", last_name="李")


@pytest.fixture
def reviewer(db) -> User:
    return make_person("reviewer@example.cn", "Reviewer", first_name="审核", last_name="张", is_staff=True)


@pytest.fixture
def other_reviewer(db) -> User:
    return make_person("other.reviewer@example.cn", "Reviewer", first_name="审核二", last_name="赵", is_staff=True)


@pytest.fixture
def installer(db) -> User:
    return make_person("installer@example.cn", "Installer", first_name="安装", last_name="刘")


@pytest.fixture
def other_installer(db) -> User:
    return make_person("other.installer@example.cn", "Installer", first_name="安装二", last_name="孙")


@pytest.fixture
def support(db) -> User:
    return make_person("support@example.cn", "Support", first_name="客服", last_name="陈", is_staff=True)


@pytest.fixture
def admin_user(db) -> User:
    return make_person("admin@example.cn", None, is_staff=True, is_superuser=True)


@pytest.fixture
def application_in(applicant, reviewer, installer, support) -> Callable[..., MerchantApplication]:
    """application_in(Status.X) -> a new application of `applicant`, carried to X by the services."""
    counter = iter(range(1, 10_000))

    def make(target: Status, *, owner: User | None = None, filled: bool = True) -> MerchantApplication:
        app = MerchantApplication.objects.create(applicant=owner or applicant)
        app = carry(
            app,
            target,
            applicant=owner or applicant,
            reviewer=reviewer,
            installer=installer,
            support=support,
            seq=next(counter),
            filled=filled,
        )
        app.refresh_from_db()
        return app

    return make


def history_of(app: MerchantApplication) -> list[StateLog]:
    ct = ContentType.objects.get_for_model(MerchantApplication)
    return list(StateLog.objects.filter(content_type=ct, object_id=app.pk).order_by("timestamp", "pk"))


class Snapshot:
    """What a refused action must leave unchanged: the state, the history, the outbox."""

    def __init__(self, app: MerchantApplication) -> None:
        self.app = app
        app.refresh_from_db()
        self.status = app.status
        self.updated_at = app.updated_at
        self.history = len(history_of(app))
        self.outbox = Notification.objects.count()

    def assert_unchanged(self) -> None:
        fresh = MerchantApplication.objects.get(pk=self.app.pk)
        assert fresh.status == self.status
        assert fresh.updated_at == self.updated_at
        assert len(history_of(fresh)) == self.history
        assert Notification.objects.count() == self.outbox


@pytest.fixture
def snapshot() -> Callable[[MerchantApplication], Snapshot]:
    return Snapshot


@pytest.fixture(autouse=True)
def in_process_tasks(request):
    """Tasks run in-process, as on the embedded default, even when REDIS_URL is set, so a test
    sees the work it caused; tests marked `real_worker` talk to a broker and worker of their own."""
    from pos_portal.celery import app as celery_app

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _verification_off_by_default(request, settings):
    """Submitting starts no automatic checks unless the test is marked `verification`: the
    other tests walk applications to the reviewer by hand, as before the checks existed."""
    settings.VERIFICATION_AUTO_START = bool(request.node.get_closest_marker("verification"))
    settings.VERIFICATION_SIMULATOR_LATENCY_MS = 0
    settings.VERIFICATION_RETRY_BACKOFF_SECONDS = 0


@pytest.fixture(autouse=True)
def _english_by_default(client):
    """Tests read messages in English unless they ask for Chinese (Accept-Language: zh-hans)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_acquirer_host_by_default(settings):
    """No test talks to a simulator a developer happens to run (make run): port 9 refuses.
    Tests that need a host start their own and point these settings at it."""
    settings.ACQUIRER_HOST, settings.ACQUIRER_PORT = "127.0.0.1", 9
    settings.ACQUIRER_ADMIN_URL = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never the project's."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private_media"},
        },
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


def needs_postgres() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL pointing at PostgreSQL (set by .ci/run)",
    )


def needs_redis() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (set by .ci/run)")
