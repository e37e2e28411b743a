"""Every declared action of the installation visit (installations/actions.py), through the generic
view: allowed → done, with its trace; refused for the role, the state or a stale page → a clear
message and nothing changed. Parametrised from the declaration."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.choices import Status
from applications.models import MerchantApplication
from installations import services as visit_services
from installations.actions import VISIT_ACTIONS
from installations.models import TrainingRecord, Visit
from notifications.models import Notification
from terminals import services as terminal_services
from terminals.models import HostRegistration, SignIn, Terminal, TerminalConfiguration
from tests.conftest import history_of
from tests.visit_fixtures import at_visit_time, give_profile, stock

from .conftest import Counts, act_url, refusal_said

KIND = "application"
TOPICS = ["sale", "void", "refund", "settlement", "paper", "errors"]


def _when(days: int = 2) -> str:
    """11:00 on a weekday at least `days` ahead: the installer's hours and the merchant's weekday mornings."""
    day = timezone.localtime() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.strftime("%Y-%m-%dT11:00")


class World:
    """An application brought to the point an action starts from, through the services."""

    def __init__(self, request, application_in, clock) -> None:
        self.request = request
        self.clock = clock
        self.application_in = application_in
        self.installer = request.getfixturevalue("beijing_installer")
        self.reviewer = request.getfixturevalue("reviewer")
        self.admin = request.getfixturevalue("admin_user")

    def approved(self) -> MerchantApplication:
        return self.application_in(Status.APPROVED)

    def scheduled(self) -> MerchantApplication:
        return self.application_in(Status.INSTALLATION_SCHEDULED)

    def scheduled_now(self) -> MerchantApplication:
        """Scheduled, and the clock at the visit's start: the installer may check in."""
        app = self.scheduled()
        at_visit_time(self.clock, app)
        return app

    def on_site(self) -> MerchantApplication:
        return visit_services.installation_start(application=self.scheduled_now(), by=self.installer)

    def assigned(self) -> MerchantApplication:
        app = self.on_site()
        serial = f"SN-ACT-{app.pk:04d}"
        stock(self.reviewer, (serial, "countertop", "A1B2C3"))
        visit_services.visit_assign_terminal(application=app, by=self.installer, serial_number=serial)
        # The job has sent the registration the assignment left due (no host in these tests).
        HostRegistration.objects.filter(terminal__serial_number=serial).update(done_at=timezone.now())
        return app

    def config(self, app: MerchantApplication) -> dict:
        terminal = Terminal.objects.get(application=app)
        return {
            "tid": terminal.tid,
            "mid": MerchantApplication.objects.get(pk=app.pk).merchant_id,
            "host": "127.0.0.1",
            "port": "5800",
            "comm_mode": "ethernet",
            "key_check_value": terminal.key_check_value,
        }

    def configured(self) -> MerchantApplication:
        app = self.assigned()
        data = self.config(app)
        data["port"] = int(data["port"])
        visit_services.visit_configure(application=app, by=self.installer, **data)
        return app

    def signed_in(self) -> MerchantApplication:
        app = self.configured()
        terminal_services.signin_record(application=app, by=self.installer, response_code="00", detail="on site")
        return app

    def training(self) -> MerchantApplication:
        app = self.signed_in()
        return visit_services.installation_complete_configuration(application=app, by=self.installer)

    def trained(self) -> MerchantApplication:
        app = self.training()
        visit_services.installation_record_training(
            application=app, by=self.installer, topics=TOPICS, confirmed_by_name="王小明"
        )
        return app


# action: (how to reach its start, who acts, form data, how to reach a state it is refused in, who lacks the role)
ALLOWED = {
    "schedule_installation": ("approved", "reviewer", lambda w, app: {"installer": w.installer.pk, "starts_at": _when()}, "scheduled", "beijing_installer"),
    "reschedule": ("scheduled", "reviewer", lambda w, app: {"installer": w.installer.pk, "starts_at": _when(3)}, "approved", "beijing_installer"),
    "cancel_installation": ("scheduled", "reviewer", lambda w, app: {"message": "商户改期"}, "approved", "beijing_installer"),
    "reassign": ("scheduled", "reviewer", lambda w, app: {"installer": w.request.getfixturevalue("covering_other_installer").pk}, "approved", "beijing_installer"),
    "start_installation": ("scheduled_now", "beijing_installer", lambda w, app: {}, "on_site", "reviewer"),
    "assign_terminal": ("on_site", "beijing_installer", lambda w, app: {"serial_number": stock(w.reviewer, ("SN-ACT-NEW", "countertop", "D4E5F6")) and "SN-ACT-NEW"}, "scheduled", "reviewer"),
    "release_terminal": ("assigned", "beijing_installer", lambda w, app: {"note": "屏幕坏了", "faulty": "on"}, "scheduled", "reviewer"),
    "configure_terminal": ("assigned", "beijing_installer", lambda w, app: w.config(app), "scheduled", "reviewer"),
    "signin": ("configured", "beijing_installer", lambda w, app: {}, "scheduled", "reviewer"),
    "record_signin": ("configured", "beijing_installer", lambda w, app: {"response_code": "00", "detail": "private APN"}, "scheduled", "reviewer"),
    "complete_configuration": ("signed_in", "beijing_installer", lambda w, app: {}, "scheduled", "reviewer"),
    "record_training": ("training", "beijing_installer", lambda w, app: {"topics": TOPICS, "confirmed_by_name": "王小明"}, "on_site", "reviewer"),
    "complete_training": ("trained", "beijing_installer", lambda w, app: {}, "on_site", "reviewer"),
}  # fmt: skip


@pytest.fixture
def covering_other_installer(other_installer, admin_user):
    give_profile(other_installer, admin_user)
    return other_installer


@pytest.fixture
def world(request, clock, application_in, beijing_installer) -> World:
    return World(request, application_in, clock)


def _counts(app: MerchantApplication) -> Counts:
    return Counts(
        status=lambda: MerchantApplication.objects.get(pk=app.pk).status,
        history=lambda: len(history_of(app)),
        outbox=lambda: Notification.objects.count(),
        visits=lambda: list(Visit.objects.filter(application=app).values_list("status", "installer_id", "starts_at")),
        terminals=lambda: list(Terminal.objects.filter(application=app).values_list("serial_number", "status")),
        configurations=lambda: TerminalConfiguration.objects.filter(application=app).count(),
        signins=lambda: SignIn.objects.filter(application=app).count(),
        training=lambda: TrainingRecord.objects.filter(application=app).count(),
    )


def test_every_declared_visit_action_is_driven_here():
    assert {a.name for a in VISIT_ACTIONS} == set(ALLOWED)


@pytest.mark.parametrize("name", ALLOWED)
def test_an_allowed_visit_action_is_done_with_its_trace(request, client, world, name):
    start, who, data, _refused_in, _without = ALLOWED[name]
    app = getattr(world, start)()
    body = data(world, app)
    counts = _counts(app)
    person = request.getfixturevalue(who)
    client.force_login(person)

    response = client.post(act_url(KIND, app.reference, name), {**body, "seen": app.status})

    assert response.status_code == 302, response.content.decode()[:3000]
    changed = counts.changed()
    assert changed - {"outbox"}, f"{name} left no trace"
    if "history" in changed:
        assert history_of(app)[-1].by == person


@pytest.mark.parametrize("name", ALLOWED)
def test_a_visit_action_in_another_state_is_refused_and_changes_nothing(request, client, world, name):
    _start, who, data, refused_in, _without = ALLOWED[name]
    app = getattr(world, refused_in)()
    body = data(world, app) if name != "configure_terminal" else {}
    counts = _counts(app)
    client.force_login(request.getfixturevalue(who))

    response = client.post(act_url(KIND, app.reference, name), {**body, "seen": app.status})

    assert response.status_code in (400, 404, 409)
    if response.status_code != 404:
        assert refusal_said(response)
    counts.assert_unchanged()


@pytest.mark.parametrize("name", ALLOWED)
def test_a_person_without_the_role_is_refused_and_nothing_changes(request, client, world, name):
    start, _who, data, _refused_in, without = ALLOWED[name]
    app = getattr(world, start)()
    body = data(world, app)
    counts = _counts(app)
    client.force_login(request.getfixturevalue(without))

    response = client.post(act_url(KIND, app.reference, name), {**body, "seen": app.status})

    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert refusal_said(response)
    counts.assert_unchanged()


@pytest.mark.parametrize("name", ALLOWED)
def test_a_stale_visit_page_is_refused_and_nothing_changes(request, client, world, name):
    start, who, data, _refused_in, _without = ALLOWED[name]
    app = getattr(world, start)()
    body = data(world, app)
    counts = _counts(app)
    client.force_login(request.getfixturevalue(who))

    response = client.post(act_url(KIND, app.reference, name), {**body, "seen": Status.WITHDRAWN})

    assert response.status_code == 409
    assert "changed" in refusal_said(response)
    counts.assert_unchanged()
