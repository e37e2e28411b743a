import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from applications.choices import Status
from applications.models import MerchantApplication


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_it_spreads_a_dozen_applications_over_every_state(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    states = set(MerchantApplication.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    # A dozen walked by hand, a second live one with a service visit, and four that show the
    # automatic checks (demo/verification_data.py).
    assert MerchantApplication.objects.count() == 17


def test_the_demo_installer_has_both_kinds_of_visit_in_one_calendar(db):
    from installations.models import Visit

    call_command("seed_demo", force=True, stdout=io.StringIO())
    installer = User.objects.get(email="installer@demo.pos-portal.cn")
    purposes = set(Visit.objects.filter(installer=installer, status="booked").values_list("purpose", flat=True))
    assert purposes == {"installation", "service"}


def test_it_shows_each_route_of_the_automatic_checks(db):
    from verification.models import Assessment

    call_command("seed_demo", force=True, stdout=io.StringIO())
    routes = dict(Assessment.objects.values_list("application__reference", "route"))
    assert routes == {
        "PA-DEMVAUTO": "auto_approved",
        "PA-DEMVCARD": "queue",
        "PA-DEMVSENR": "senior",
        "PA-DEMVDOWN": "queue",
    }


def test_running_it_twice_leaves_the_same_data(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    first = _row_counts()
    statuses = dict(MerchantApplication.objects.values_list("reference", "status"))
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert _row_counts() == first
    assert dict(MerchantApplication.objects.values_list("reference", "status")) == statuses


def test_it_prints_one_login_per_role(db, capsys):
    call_command("seed_demo", force=True)
    out = capsys.readouterr().out
    for role in ("Applicant", "Reviewer", "Installer", "Support", "Administrator"):
        assert role in out
    assert "demo-pass-2026" in out


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
