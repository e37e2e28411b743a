"""What the pages of issue 15 draw faster than before must still be right at once, for each reader.

The dashboard's figures are drawn once per language and figures: a transition shows on the next
view, in both languages. The menu's roles and unread count are read per person, never another's.
The queue's rows are drawn in Python: escaped, masked and labelled in the reader's language.
"""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.choices import Status
from applications.services import application_claim
from notifications.models import Channel, Notification

DASHBOARD = reverse("backoffice:dashboard")
QUEUE = reverse("applications:review_queue")


def in_language(client, code: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def funnel_count(html: str, label: str) -> int:
    match = re.search(rf"<tr><td>{re.escape(label)}</td><td>(\d+)</td>", html)
    assert match, f"no funnel row {label!r}"
    return int(match[1])


@pytest.mark.parametrize(
    ("code", "submitted", "in_review"), [("en", "Submitted", "In review"), ("zh-hans", "已提交", "审核中")]
)
def test_the_dashboard_s_figures_show_a_transition_at_once_in_each_language(
    client, support, reviewer, application_in, code, submitted, in_review
):
    client.force_login(support)
    in_language(client, code)
    app = application_in(Status.SUBMITTED)
    first = client.get(DASHBOARD).content.decode()
    assert client.get(DASHBOARD).content.decode().count("<polyline") == first.count("<polyline")  # drawn again alike
    assert (funnel_count(first, submitted), funnel_count(first, in_review)) == (1, 0)

    application_claim(application=app, by=reviewer)

    after = client.get(DASHBOARD).content.decode()
    assert (funnel_count(after, submitted), funnel_count(after, in_review)) == (0, 1)


def test_the_dashboard_s_figures_are_drawn_in_the_reader_s_language_whoever_drew_them_first(
    client, support, application_in
):
    application_in(Status.SUBMITTED)
    client.force_login(support)
    chinese = in_language(client, "zh-hans").get(DASHBOARD).content.decode()
    english = in_language(client, "en").get(DASHBOARD).content.decode()
    assert "最近 30 天" in chinese and funnel_count(chinese, "已提交") == 1
    assert "Last 30 days" in english and funnel_count(english, "Submitted") == 1
    assert "已提交" not in english and "Last 30 days" not in chinese


def test_the_menu_shows_each_person_their_own_unread_count(client, applicant, other_applicant, application_in):
    application_in(Status.IN_REVIEW)  # two in-app messages for `applicant`
    assert Notification.objects.filter(recipient=applicant, channel=Channel.IN_APP, read_at__isnull=True).count() == 2
    home = reverse("home")
    client.force_login(applicant)
    assert '<span class="badge warn">2</span>' in in_language(client, "en").get(home).content.decode()
    client.force_login(other_applicant)
    assert '<span class="badge warn">' not in in_language(client, "en").get(home).content.decode()


def test_the_menu_follows_a_role_taken_away_on_the_next_page(client, reviewer):
    client.force_login(reviewer)
    queue_link = f'href="{QUEUE}"'
    assert queue_link in client.get(reverse("home")).content.decode()
    reviewer.groups.clear()
    page = client.get(reverse("home")).content.decode()
    assert queue_link not in page
    assert client.get(QUEUE).status_code == 404


def test_the_role_flags_are_asked_for_the_person_looking(client, reviewer, support):
    """`is_reviewer` and the others are lazy now: still each person's own."""
    client.force_login(reviewer)
    assert client.get(DASHBOARD).context["is_reviewer"]
    client.force_login(support)
    flags = client.get(DASHBOARD).context
    assert not flags["is_reviewer"] and flags["is_support"]


def test_a_queue_row_escapes_what_an_applicant_typed_and_masks_the_mobile(client, reviewer, application_in):
    app = application_in(Status.SUBMITTED)
    type(app).objects.filter(pk=app.pk).update(legal_name="<b>王</b>", business_name='"&')
    client.force_login(reviewer)
    html = in_language(client, "en").get(QUEUE).content.decode()
    assert "&lt;b&gt;王&lt;/b&gt;" in html and "<b>王</b>" not in html
    assert "&quot;&amp;" in html
    assert app.mobile not in html and app.mobile[-4:] in html
    assert f'<td data-label="Number"><a href="{reverse("applications:review", args=[app.reference])}">' in html
    chinese = in_language(client, "zh-hans").get(QUEUE).content.decode()
    assert '<td data-label="编号">' in chinese and 'data-label="Number"' not in chinese


def test_the_admin_s_list_reads_no_personal_number_it_does_not_show(client, admin_user, application_in):
    app = application_in(Status.SUBMITTED)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("admin:applications_merchantapplication_changelist")).content.decode()
    listed = [
        q["sql"] for q in queries.captured_queries if '"applications_merchantapplication"."reference"' in q["sql"]
    ]
    assert listed and all('"id_number"' not in sql and '"card_number"' not in sql for sql in listed)
    assert app.reference in html and app.mobile not in html and app.mobile[-4:] in html
    change = client.get(reverse("admin:applications_merchantapplication_change", args=[app.pk]))
    assert change.status_code == 200  # the change page still reads (and masks) them all


def test_the_menu_reads_the_roles_and_the_unread_count_in_one_query(
    client, reviewer, application_in, django_assert_num_queries
):
    """The session, the user, then one statement for the menu (it was two: issue 15)."""
    client.force_login(reviewer)
    home = reverse("home")
    client.get(home)
    with django_assert_num_queries(3) as queries:
        page = in_language(client, "en").get(home).content.decode()
    assert f'href="{QUEUE}"' in page and '<span class="badge warn">' not in page
    assert "auth_group" in queries.captured_queries[-1]["sql"]
    Notification.objects.create(recipient=reviewer, channel=Channel.IN_APP, template="x", context={})
    assert '<span class="badge warn">1</span>' in client.get(home).content.decode()
