"""After logging in, each role lands on its own work; old addresses of composed pages still answer."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

LANDS_ON = {
    "applicant": "applications:mine",
    "reviewer": "applications:review_queue",
    "installer": "installations:my_visits",
    "support": "support:queue",
    "admin_user": "backoffice:dashboard",
}


@pytest.mark.parametrize("role", LANDS_ON)
def test_each_role_lands_on_its_own_work_and_that_page_opens(request, client, role):
    person = request.getfixturevalue(role)
    client.force_login(person)

    landing = client.get(reverse("backoffice:landing"))

    assert landing.status_code == 302
    assert landing.url == reverse(LANDS_ON[role])
    assert client.get(landing.url).status_code == 200


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/installations/dashboard/", "backoffice:dashboard"),
        ("/support/dashboard/", "backoffice:dashboard"),
        ("/support/visits/", "installations:my_visits"),
    ],
)
def test_bookmarked_addresses_of_the_composed_pages_redirect(client, support, old, new):
    client.force_login(support)
    assert client.get(old).url == reverse(new)


def test_the_menu_names_each_page_once_for_a_person_with_two_roles(client, reviewer, support):
    reviewer.groups.add(Group.objects.get_or_create(name="Support")[0])
    client.force_login(reviewer)

    page = client.get(reverse("applications:review_queue")).content.decode()

    assert page.count(f'href="{reverse("backoffice:dashboard")}"') == 1
    assert f'href="{reverse("support:queue")}"' in page
