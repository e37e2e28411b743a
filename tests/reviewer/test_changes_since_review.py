"""An application that comes back: the review page lists what changed since the last review,
fields and documents, old → new, personal numbers masked."""

import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import SubmittedVersion
from installations.samples import valid_card_number
from tests.applicant.conftest import image_bytes, upload

NEW_CARD = valid_card_number(77)

pytestmark = pytest.mark.django_db


def _back_with_changes(app, reviewer, *, change=True):
    app = services.application_claim(application=app, by=reviewer)
    app = services.application_request_changes(
        application=app, by=reviewer, fields=["business_name", "storefront"], message="请更正"
    )
    if change:
        services.application_save_fields(
            application=app,
            by=app.applicant,
            fields={"business_name": "小明超市", "card_number": NEW_CARD, "province": "44"},
        )
        services.documents_upload(
            application=app, by=app.applicant, uploads={"storefront": upload("shop.png", image_bytes(size=(80, 60)))}
        )
    return services.application_submit(application=app, by=app.applicant)


def _page(client, reviewer, app, language="en") -> str:
    client.force_login(reviewer)
    response = client.get(reverse("applications:review", args=[app.reference]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_first_submission_has_no_list_of_changes(client, reviewer, application_in):
    app = application_in(Status.SUBMITTED)

    assert 'id="changes-since-review"' not in _page(client, reviewer, app)


def test_an_application_that_comes_back_lists_fields_and_documents_old_and_new(client, reviewer, application_in):
    app = application_in(Status.SUBMITTED)
    old_name, old_card = app.business_name, app.card_number

    app = _back_with_changes(app, reviewer)
    page = _page(client, reviewer, app)

    assert SubmittedVersion.objects.filter(application=app).count() == 2
    section = page.split('id="changes-since-review"')[1].split("</section>")[0]
    assert f"<del>{old_name}</del>" in section and "<ins>小明超市</ins>" in section
    assert 'data-field="card_number"' in section
    assert old_card not in page and NEW_CARD not in page.split('id="changes-since-review"')[1].split("</section>")[0]
    assert NEW_CARD[-4:] in section and old_card[-4:] in section  # masked: the last digits only
    assert 'data-field="province"' in section and "Guangdong" in section
    assert 'data-document="storefront"' in section and "replaced" in section
    assert 'data-field="legal_name"' not in section  # unchanged: not listed


def test_the_list_reads_in_chinese(client, reviewer, application_in):
    app = _back_with_changes(application_in(Status.SUBMITTED), reviewer)

    section = _page(client, reviewer, app, "zh-hans").split('id="changes-since-review"')[1].split("</section>")[0]

    assert "上次审核后的改动" in section and "广东" in section and "已替换" in section


def test_sent_back_unchanged_says_so(client, reviewer, application_in):
    app = _back_with_changes(application_in(Status.SUBMITTED), reviewer, change=False)

    assert "Nothing changed" in _page(client, reviewer, app)


def test_a_kept_version_holds_no_personal_number_in_clear(reviewer, application_in):
    app = application_in(Status.SUBMITTED)

    kept = SubmittedVersion.objects.get(application=app).fields

    for name in ("id_number", "mobile", "card_number"):
        assert getattr(app, name) not in str(kept)
        assert kept[name]["index"]
