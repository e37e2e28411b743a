"""The installer's service visit page: the case and its evidence, check-in near the visit's time,
the terminal reconfigured or swapped, a sign-in at the host, what was done (a note and a photo),
and completion, which moves the case on. Steps out of order, too early or on another installer's
visit are refused with a clear message and change nothing."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.choices import Status
from installations.models import Visit, VisitStatus
from notifications.models import Notification
from support.models import CaseStatus, SupportCase
from support.services import case_book_visit, case_open
from terminals.models import HostRegistration, SignIn, Terminal, TerminalConfiguration, TerminalStatus
from tests.visit_fixtures import at, stock


@pytest.fixture
def booked(clock, application_in, beijing_installer, support) -> Visit:
    live = application_in(Status.ACTIVE)
    case = case_open(terminal=Terminal.objects.get(application=live), by=live.applicant, code="97")
    return case_book_visit(case=case, by=support, installer=beijing_installer, starts_at=at(9, 11))


def _url(visit: Visit, step: str = "") -> str:
    return f"/installations/service-visits/{visit.pk}/" + (f"{step}/" if step else "")


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return SimpleUploadedFile("终端.jpg", out.getvalue(), content_type="image/jpeg")


class Unchanged:
    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.row = Visit.objects.filter(pk=visit.pk).values().get()
        self.configs = TerminalConfiguration.objects.count()
        self.registrations = HostRegistration.objects.count()
        self.outbox = Notification.objects.count()

    def check(self) -> None:
        assert Visit.objects.filter(pk=self.visit.pk).values().get() == self.row
        assert TerminalConfiguration.objects.count() == self.configs
        assert HostRegistration.objects.count() == self.registrations
        assert Notification.objects.count() == self.outbox


def _config(visit: Visit, **changes) -> dict:
    terminal = visit.terminal
    return {
        "tid": terminal.tid or "10000001",
        "mid": visit.application.merchant_id,
        "host": "127.0.0.1",
        "port": "5800",
        "comm_mode": "ethernet",
        "key_check_value": terminal.key_check_value or "ABC123",
        "seen": "on_site",
        **changes,
    }


def test_the_page_shows_the_case_and_its_evidence(client, booked, beijing_installer):
    client.force_login(beijing_installer)
    page = client.get(_url(booked)).content.decode()

    case = SupportCase.objects.get()
    assert case.reference in page and "无效终端" in page
    assert 'id="last-codes"' in page and 'class="checks"' in page
    assert "/installations/visits/" in page  # back to My visits


def test_my_visits_lists_both_purposes_by_day(client, booked, beijing_installer, application_in, other_applicant):
    from installations import services

    app = application_in(Status.APPROVED, owner=other_applicant)
    services.installation_schedule(application=app, by=other_applicant, starts_at=at(9, 9))
    client.force_login(beijing_installer)

    page = client.get("/installations/visits/").content.decode()

    assert page.count('class="task service-visit"') == 1 and page.count('class="task installation-visit"') >= 1
    assert _url(booked) in page and f"/installations/visits/{app.reference}/" in page


def test_check_in_too_early_is_refused_and_changes_nothing(client, booked, beijing_installer):
    unchanged = Unchanged(booked)
    client.force_login(beijing_installer)

    response = client.post(_url(booked, "check_in"), {"seen": "booked"})

    assert response.status_code == 400
    assert "Check-in: opens at" in response.content.decode()
    unchanged.check()


def test_check_in_opens_the_configured_minutes_before(client, booked, beijing_installer, settings):
    settings.VISIT_CHECK_IN_EARLY_MINUTES = 30
    with time_machine.travel(booked.starts_at - timedelta(minutes=31), tick=False):
        client.force_login(beijing_installer)
        assert client.post(_url(booked, "check_in"), {"seen": "booked"}).status_code == 400
    with time_machine.travel(booked.starts_at - timedelta(minutes=29), tick=False):
        assert client.post(_url(booked, "check_in"), {"seen": "booked"}).status_code == 302
    assert Visit.objects.get(pk=booked.pk).checked_in_at is not None


@pytest.mark.parametrize("step", ["reconfigure", "swap", "signin", "work", "complete"])
def test_a_step_before_check_in_is_refused_and_changes_nothing(client, booked, beijing_installer, step):
    unchanged = Unchanged(booked)
    client.force_login(beijing_installer)

    response = client.post(
        _url(booked, step), {**_config(booked), "notes": "x", "serial_number": "X", "seen": "booked"}
    )

    assert response.status_code == 400
    assert "is not possible while" in response.content.decode()  # the visit is booked, not checked in
    unchanged.check()


@pytest.mark.parametrize("step", ["check_in", "reconfigure", "work", "complete"])
def test_another_installers_visit_is_a_404_and_changes_nothing(client, booked, other_installer, step):
    unchanged = Unchanged(booked)
    client.force_login(other_installer)

    assert client.get(_url(booked)).status_code == 404
    assert client.post(_url(booked, step), {"seen": "booked"}).status_code == 404
    unchanged.check()


def test_completing_without_saying_what_was_done_is_refused(client, booked, beijing_installer):
    with time_machine.travel(booked.starts_at, tick=False):
        client.force_login(beijing_installer)
        client.post(_url(booked, "check_in"), {"seen": "booked"})
        unchanged = Unchanged(booked)
        response = client.post(_url(booked, "complete"), {"seen": "on_site"})
    assert response.status_code == 400
    assert "what was done" in response.content.decode()
    unchanged.check()


def test_a_wrong_tid_is_refused_naming_the_field(client, booked, beijing_installer):
    with time_machine.travel(booked.starts_at, tick=False):
        client.force_login(beijing_installer)
        client.post(_url(booked, "check_in"), {"seen": "booked"})
        unchanged = Unchanged(booked)
        response = client.post(_url(booked, "reconfigure"), _config(booked, tid="1234"))
    assert response.status_code == 400
    assert "Terminal ID (TID): expected exactly 8 digits" in response.content.decode()
    unchanged.check()


def test_the_whole_service_visit_with_the_host(
    client, acquirer, booked, beijing_installer, support, django_capture_on_commit_callbacks
):
    """97 (not registered at the host) → TID re-entered → the host learns it (a job) → sign-in 00 →
    a note and a photo → complete: the case moves on, support and the merchant are told."""
    acquirer.register_merchant(booked.application.merchant_id)
    with time_machine.travel(booked.starts_at - timedelta(minutes=10), tick=False):
        client.force_login(beijing_installer)
        assert client.post(_url(booked, "check_in"), {"seen": "booked"}).status_code == 302
        port = str(acquirer.iso_port)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_url(booked, "reconfigure"), _config(booked, host=acquirer.host, port=port))
        assert response.status_code == 302, response.content.decode()[:2000]
        registration = HostRegistration.objects.get(terminal=booked.terminal, action="register")
        assert registration.done_at is not None  # sent by the job (in-process here) after the commit
        assert client.post(_url(booked, "signin"), {"seen": "on_site"}).status_code == 302
        assert SignIn.objects.latest("pk").response_code == "00"
        response = client.post(
            _url(booked, "work"), {"notes": "重新输入 TID，签到返回 00", "photo": _jpeg(), "seen": "on_site"}
        )
        assert response.status_code == 302
        assert client.get(_url(booked)).content.decode().count("visit-photo") == 1
        photo = client.get(f"/installations/service-visits/{booked.pk}/photo/")
        assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
        assert client.post(_url(booked, "complete"), {"seen": "on_site"}).status_code == 302

    visit = Visit.objects.get(pk=booked.pk)
    assert visit.status == VisitStatus.DONE and visit.completed_at and visit.notes.startswith("重新输入")
    case = SupportCase.objects.get()
    assert case.status == CaseStatus.VISIT_DONE
    assert Notification.objects.filter(recipient=support, template="support.visit_done").exists()
    with time_machine.travel(booked.starts_at + timedelta(hours=1), tick=False):
        client.force_login(case.application.applicant)
        assert 'id="visit-done"' in client.get(f"/support/cases/{case.reference}/").content.decode()


def test_a_broken_terminal_is_swapped_for_one_from_stock(client, booked, beijing_installer, admin_user):
    old = booked.terminal
    (new,) = stock(admin_user, ("SN-NEW-0001", old.model, "D4E5F6"))
    with time_machine.travel(booked.starts_at, tick=False):
        client.force_login(beijing_installer)
        client.post(_url(booked, "check_in"), {"seen": "booked"})
        response = client.post(
            _url(booked, "swap"), {"serial_number": "sn-new-0001", "note": "屏幕碎了", "seen": "on_site"}
        )
    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.application) == (TerminalStatus.FAULTY, None)
    assert (new.status, new.application) == (TerminalStatus.ACTIVE, booked.application)
    assert Visit.objects.get(pk=booked.pk).terminal == new
    assert set(HostRegistration.objects.values_list("tid", "action")) >= {(new.tid, "register")}
    if old.tid:
        assert (old.tid, "deregister") in set(HostRegistration.objects.values_list("tid", "action"))
