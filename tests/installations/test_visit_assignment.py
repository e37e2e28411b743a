"""A visit's steps belong to the installer it is assigned to, checked under the lock."""

import pytest

from applications.choices import Status
from core.errors import InvalidState, RoleRefused
from installations import services as install_services
from installations.models import Visit, VisitStatus
from terminals.models import Terminal, TerminalStatus
from tests.visit_fixtures import give_profile, stock


def test_a_visit_reassigned_meanwhile_cannot_be_started_by_the_installer_it_was_taken_from(
    clock, application_in, beijing_installer, other_installer, reviewer, admin_user, snapshot
):
    give_profile(other_installer, admin_user)
    scheduled = application_in(Status.INSTALLATION_SCHEDULED)
    install_services.installation_reassign(application=scheduled, by=reviewer, installer=other_installer)
    before = snapshot(scheduled)

    with pytest.raises(RoleRefused) as refusal:
        install_services.installation_start(application=scheduled, by=beijing_installer)

    assert str(other_installer) in refusal.value.message
    before.assert_unchanged()


def test_a_terminal_step_by_another_installer_changes_nothing(on_site, other_installer, reviewer, admin_user, snapshot):
    stock(reviewer, ("SN-CT-9", "countertop", "A1B2C3"))
    before = snapshot(on_site)

    with pytest.raises(RoleRefused):
        install_services.visit_assign_terminal(application=on_site, by=other_installer, serial_number="SN-CT-9")

    before.assert_unchanged()
    assert Terminal.objects.get(serial_number="SN-CT-9").status == TerminalStatus.IN_STOCK


def test_no_installer_may_check_in_where_no_visit_is_booked(clock, application_in, beijing_installer, snapshot):
    scheduled = application_in(Status.INSTALLATION_SCHEDULED)
    Visit.objects.filter(application=scheduled).update(status=VisitStatus.CANCELLED)
    before = snapshot(scheduled)

    with pytest.raises(InvalidState):
        install_services.installation_start(application=scheduled, by=beijing_installer)

    before.assert_unchanged()
