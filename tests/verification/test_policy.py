"""The risk policy: versions that never change, published by staff in the admin."""

import pytest
from django.urls import reverse

from core.errors import ConditionsNotMet, RoleRefused
from verification import services
from verification.models import RiskPolicy


def test_the_first_version_holds_the_default_weights(db):
    policy = services.current_policy()
    assert policy.version == 1 and policy.weights["identity_mismatch"] == 100


def test_publishing_makes_a_new_version_and_leaves_the_old_one_as_it_was(admin_user):
    first = services.current_policy()
    second = services.policy_publish(by=admin_user, auto_approve_max=5, note="stricter")
    first.refresh_from_db()
    assert (first.version, first.auto_approve_max) == (1, 10)
    assert (second.version, second.auto_approve_max, second.created_by) == (2, 5, admin_user)
    assert services.current_policy() == second


def test_thresholds_that_do_not_rise_are_refused_and_nothing_is_published(admin_user):
    services.current_policy()
    with pytest.raises(ConditionsNotMet):
        services.policy_publish(by=admin_user, auto_approve_max=70, senior_min=60)
    assert RiskPolicy.objects.count() == 1


def test_a_reviewer_cannot_publish_a_policy(reviewer):
    services.current_policy()
    with pytest.raises(RoleRefused):
        services.policy_publish(by=reviewer, sample_percent=50)
    assert RiskPolicy.objects.count() == 1


def test_the_admin_publishes_the_next_version_from_the_current_one(client, admin_user):
    services.current_policy()
    client.force_login(admin_user)
    page = client.get(reverse("admin:verification_riskpolicy_add"))
    assert page.status_code == 200 and 'value="60"' in page.content.decode()
    response = client.post(
        reverse("admin:verification_riskpolicy_add"),
        {
            "note": "electronics watched harder",
            "auto_approve_max": 10,
            "senior_min": 50,
            "auto_reject_min": 100,
            "sample_percent": 20,
            "weights": '{"watched_category": 40}',
            "watched_categories": '["5732"]',
            "velocity_limit": 3,
        },
    )
    assert response.status_code == 302
    latest = services.current_policy()
    assert (latest.version, latest.senior_min, latest.weights["watched_category"]) == (2, 50, 40)
    assert latest.weights["identity_mismatch"] == 100  # rules not named keep their weight


def test_a_published_version_cannot_be_changed_or_deleted_in_the_admin(client, admin_user):
    first = services.current_policy()
    client.force_login(admin_user)
    client.post(reverse("admin:verification_riskpolicy_change", args=[first.pk]), {"auto_approve_max": 99})
    first.refresh_from_db()
    assert first.auto_approve_max == 10
    assert (
        client.post(reverse("admin:verification_riskpolicy_delete", args=[first.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert RiskPolicy.objects.count() == 1


def test_every_decision_names_the_policy_version_it_used(
    admin_user, filled, django_capture_on_commit_callbacks, settings, submit
):
    from verification.models import Assessment

    settings.VERIFICATION_AUTO_START = True
    services.policy_publish(by=admin_user, note="v2")
    with django_capture_on_commit_callbacks(execute=True):
        app = submit(filled())
    assert Assessment.objects.get(application=app).policy.version == 2


def test_a_senior_reviewer_publishes_in_the_admin(client, other_reviewer):
    from django.contrib.auth.models import Group

    from verification.choices import SENIOR_GROUP
    from verification.wiring import grant_senior_permissions

    grant_senior_permissions()
    services.current_policy()
    other_reviewer.groups.add(Group.objects.get(name=SENIOR_GROUP))
    client.force_login(other_reviewer)
    assert client.get(reverse("admin:verification_riskpolicy_add")).status_code == 200
    published = services.policy_publish(by=other_reviewer, sample_percent=25)
    assert (published.version, published.created_by) == (2, other_reviewer)
