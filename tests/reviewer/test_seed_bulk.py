import io
from itertools import pairwise

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_fsm_log.models import StateLog

from accounts.models import User
from applications.choices import Status
from applications.models import MerchantApplication
from notifications.models import Notification
from terminals.models import Terminal


def seed(n: int) -> None:
    call_command("seed_bulk", str(n), "--seed", "7", "--batch", "50", stdout=io.StringIO())


def test_it_spreads_the_applications_over_every_state(db):
    seed(120)
    assert MerchantApplication.objects.count() == 120
    assert set(MerchantApplication.objects.values_list("status", flat=True)) == set(Status.values)


def test_each_history_leads_to_the_state_and_time_of_its_application(db):
    seed(60)
    ct = ContentType.objects.get_for_model(MerchantApplication)
    for app in MerchantApplication.objects.all():
        logs = list(StateLog.objects.filter(content_type=ct, object_id=app.pk).order_by("timestamp", "pk"))
        if app.status == Status.DRAFT:
            assert logs == []
            continue
        assert logs[0].source_state == Status.DRAFT
        assert logs[-1].state == app.status
        assert logs[-1].timestamp == app.status_changed_at
        for before, after in pairwise(logs):
            assert after.source_state == before.state and after.timestamp >= before.timestamp
        assert app.created_at <= logs[0].timestamp


def test_the_data_is_valid_and_consistent_with_the_state(db):
    seed(120)
    for app in MerchantApplication.objects.all():
        try:
            app.full_clean(exclude=["applicant", "reviewer", "status"])  # status: protected FSM field
        except ValidationError as exc:  # pragma: no cover - the message says which field
            raise AssertionError(f"{app.reference}: {exc.message_dict}") from exc
        assert (app.status == Status.IN_REVIEW) == (app.reviewer_id is not None)
        has_mid = app.status in (
            Status.APPROVED, Status.INSTALLATION_SCHEDULED, Status.CONFIGURING, Status.TRAINING, Status.ACTIVE,
            Status.SUSPENDED,
        )  # fmt: skip
        assert bool(app.merchant_id) == has_mid
        if app.status == Status.REJECTED:
            assert app.rejection_reason and app.decision_message
        if app.status == Status.CHANGES_REQUESTED:
            assert app.changes_requested_fields and app.decision_message


def test_running_it_twice_adds_more(db):
    seed(15)
    seed(15)
    assert MerchantApplication.objects.count() == 30


def _path(ct, app) -> list[tuple[str, str, str]]:
    logs = StateLog.objects.filter(content_type=ct, object_id=app.pk).order_by("timestamp", "pk")
    return [(log.transition, log.source_state, log.state) for log in logs]


def test_each_state_is_reached_by_the_path_the_services_take(db, application_in):
    seed(24)
    ct = ContentType.objects.get_for_model(MerchantApplication)
    bulk = {app.status: _path(ct, app) for app in MerchantApplication.objects.all()}
    for status in Status:
        walked = application_in(status)  # carried by the services, the way production goes

        assert bulk[status] == _path(ct, walked), status


def test_the_samples_walked_through_the_services_leave_no_row(db):
    before = MerchantApplication.objects.count(), StateLog.objects.count()

    seed(12)

    assert MerchantApplication.objects.count() == before[0] + 12
    assert not User.objects.filter(username__startswith="sample-").exists()
    assert not Terminal.objects.exists()
    assert not Notification.objects.exists()
