"""A superuser carries one application from draft to active by the admin's buttons."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import Status
from applications.models import MerchantApplication
from installations.samples import demo_png, ensure_installer_covers, fill, stock_terminal, visit_takes_place_now
from terminals.models import Terminal
from tests.conftest import PASSWORD, history_of


def act(client, application, action, data=None, files=None):
    url = reverse("admin:applications_merchantapplication_act", args=[application.pk, action])
    return client.post(url, {**(data or {}), **(files or {})}, follow=True)


@pytest.fixture
def admin_client_(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_a_superuser_carries_an_application_from_draft_to_active(admin_client_, applicant, installer, admin_user):
    client = admin_client_
    draft = MerchantApplication.objects.create(applicant=applicant)
    fill(draft, applicant, seq=7)
    filled = MerchantApplication.objects.get(pk=draft.pk)
    ensure_installer_covers(installer, filled, admin_user)  # Beijing, every day 8:00-20:00
    terminal = stock_terminal(filled, admin_user)

    change = client.get(reverse("admin:applications_merchantapplication_change", args=[draft.pk]))
    assert change.status_code == 200
    assert b"Submit" in change.content

    steps = [
        ("submit", {}),
        ("claim", {}),
        ("checklist", {"id_matches_name": "on", "account_holder_matches": "on", "licence_readable": "on"}),
        ("approve", {"message": "ok"}),
        (
            "schedule_installation",
            {
                "installer": installer.pk,
                "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT10:00"),
                "outside_windows": "on",  # the merchant agreed (the day may be a weekend)
            },
        ),
        ("start_installation", lambda: visit_takes_place_now(draft) or {}),  # on site at the visit's time
        ("assign_terminal", {"serial_number": terminal.serial_number}),
        (
            "configure_terminal",
            lambda: {
                "tid": Terminal.objects.get(pk=terminal.pk).tid,
                "mid": MerchantApplication.objects.get(pk=draft.pk).merchant_id,
                "host": "127.0.0.1",
                "port": "5800",
                "comm_mode": "ethernet",
                "key_check_value": terminal.key_check_value,
            },
        ),
        ("record_signin", {"response_code": "00", "detail": "tested on site"}),
        ("complete_configuration", {}),
        (
            "record_training",
            {"topics": ["sale", "void", "refund", "settlement", "paper", "errors"], "confirmed_by_name": "王小明"},
        ),
        ("complete_training", {}),
    ]
    for action, data in steps:
        response = act(client, draft, action, data() if callable(data) else data)
        assert response.status_code == 200
        assert b"errornote" not in response.content and b'class="error"' not in response.content, action

    draft.refresh_from_db()
    assert draft.status == Status.ACTIVE
    assert [row.state for row in history_of(draft)] == [
        "submitted", "in_review", "approved", "installation_scheduled", "configuring", "training", "active",
    ]  # fmt: skip


def test_a_refused_button_says_what_is_missing_and_changes_nothing(admin_client_, applicant, snapshot):
    draft = MerchantApplication.objects.create(applicant=applicant)
    before = snapshot(draft)

    response = act(admin_client_, draft, "submit")

    assert b"Legal name is required." in response.content
    before.assert_unchanged()


def test_a_document_upload_with_the_wrong_content_is_refused_with_what_is_accepted(admin_client_, applicant, snapshot):
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = MerchantApplication.objects.create(applicant=applicant)
    before = snapshot(draft)

    response = act(
        admin_client_,
        draft,
        "upload_document",
        {"kind": "id_front"},
        {"file": SimpleUploadedFile("id.png", b"MZ\x90\x00 not an image", content_type="image/png")},
    )

    assert "Accepted: PDF, JPEG or PNG" in response.content.decode()
    assert not draft.documents.exists()
    before.assert_unchanged()


def test_a_document_upload_through_the_admin_is_stored(admin_client_, applicant):
    draft = MerchantApplication.objects.create(applicant=applicant)

    act(admin_client_, draft, "upload_document", {"kind": "storefront"}, {"file": demo_png("shop")})

    assert draft.documents.get().kind == "storefront"


def test_the_changelist_lists_filters_and_searches(admin_client_, application_in):
    submitted = application_in(Status.SUBMITTED)
    url = reverse("admin:applications_merchantapplication_changelist")

    assert admin_client_.get(url).status_code == 200
    filtered = admin_client_.get(url, {"status__exact": "submitted"})
    assert submitted.reference in filtered.content.decode()
    found = admin_client_.get(url, {"q": submitted.reference})
    assert submitted.reference in found.content.decode()
    assert submitted.mobile not in found.content.decode()  # masked in the list


def test_a_reviewer_sees_only_the_buttons_of_their_role(client, reviewer, application_in):
    from accounts.roles import grant_admin_permissions

    grant_admin_permissions()
    submitted = application_in(Status.SUBMITTED)
    client.login(username=reviewer.username, password=PASSWORD)

    page = client.get(reverse("admin:applications_merchantapplication_change", args=[submitted.pk])).content.decode()

    assert "Claim for review" in page
    assert "Check in (start installation)" not in page
    assert ">Submit<" not in page


def _admin_page(client, person, application):
    from accounts.roles import grant_admin_permissions

    grant_admin_permissions()
    client.login(username=person.username, password=PASSWORD)
    return client.get(reverse("admin:applications_merchantapplication_change", args=[application.pk]))


def test_support_sees_personal_numbers_masked_in_the_admin(client, support, application_in):
    active = application_in(Status.ACTIVE)

    page = _admin_page(client, support, active).content.decode()

    assert active.id_number not in page and active.card_number not in page
    assert active.id_number[-4:] in page


def test_a_reviewer_sees_the_numbers_whole_but_cannot_edit_a_draft_s_data(client, reviewer, application_in):
    draft = application_in(Status.DRAFT)

    response = _admin_page(client, reviewer, draft)
    posted = client.post(
        reverse("admin:applications_merchantapplication_change", args=[draft.pk]), {"legal_name": "someone else"}
    )

    assert draft.id_number in response.content.decode()
    assert 'name="legal_name"' not in response.content.decode()
    assert posted.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.legal_name != "someone else"


def test_a_malformed_id_in_the_admin_answers_404(admin_client_):
    # The admin's own change page sends an unknown object back to the list, as Django does.
    assert admin_client_.get("/admin/applications/merchantapplication/abc/change/").status_code == 302
    assert admin_client_.get("/admin/applications/merchantapplication/abc/act/submit/").status_code == 404


def test_the_admin_opens_documents_through_the_staff_document_view(admin_client_, application_in):
    submitted = application_in(Status.SUBMITTED)
    document = submitted.documents.first()

    page = admin_client_.get(reverse("admin:applications_merchantapplication_change", args=[submitted.pk]))

    assert reverse("applications:review_document", args=[submitted.reference, document.pk]) in page.content.decode()


@pytest.mark.parametrize(
    "model",
    ["installations.visit", "terminals.signin", "terminals.terminal", "notifications.notification"],
)
def test_rows_that_are_history_cannot_be_deleted_from_the_admin(model, admin_user, rf):
    from django.apps import apps
    from django.contrib import admin

    model_admin = admin.site._registry[apps.get_model(model)]
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_delete_permission(request) is False
