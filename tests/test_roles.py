from django.contrib.auth.models import Group
from django.core.management import call_command


def test_after_migrate_reviewers_may_view_and_change_applications_in_the_admin(db):
    Group.objects.get(name="Reviewer").permissions.clear()

    call_command("migrate", verbosity=0)

    codenames = set(Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True))
    assert {"view_merchantapplication", "change_merchantapplication"} <= codenames


def test_applicants_and_installers_get_no_admin_permissions(db):
    call_command("migrate", verbosity=0)
    assert not Group.objects.get(name="Applicant").permissions.exists()
    assert not Group.objects.get(name="Installer").permissions.exists()


def test_support_may_view_cases_and_incidents_in_the_admin(db):
    call_command("migrate", verbosity=0)
    codenames = set(Group.objects.get(name="Support").permissions.values_list("codename", flat=True))
    assert {"view_supportcase", "view_incident", "view_casevisit", "view_visit", "view_hostregistration"} <= codenames
