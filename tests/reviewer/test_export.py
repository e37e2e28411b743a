import csv
import io

import pytest
from django.urls import reverse

from applications.choices import Status
from applications.models import AuditEvent, MerchantApplication
from core.choices import Province

from .conftest import bulk_applications

EXPORT = reverse("applications:review_export")


def rows_of(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_the_filtered_queue_with_personal_numbers_masked(reviewer_client, applicant):
    beijing, _guangdong = bulk_applications(applicant, 2)
    MerchantApplication.objects.filter(pk=beijing.pk).update(province=Province.BEIJING)
    response = reviewer_client.get(EXPORT, {"province": "11"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    (row,) = rows_of(response)
    assert row["Reference"] == beijing.reference
    body = "".join(row.values())
    for number in (beijing.id_number, beijing.card_number, beijing.mobile):
        assert number not in body
    assert beijing.id_number[:6] in body and beijing.card_number[-4:] in body and beijing.mobile[-4:] in body


def test_the_export_is_recorded_in_the_audit_history(reviewer_client, reviewer, applicant):
    bulk_applications(applicant, 1)
    rows_of(reviewer_client.get(EXPORT, {"tab": "all", "q": "批量"}))
    event = AuditEvent.objects.get(action="queue.exported")
    assert event.actor == reviewer
    assert event.detail == {"filters": {"tab": "all", "q": "批量"}}


@pytest.mark.parametrize("who", ["applicant", "installer"])
def test_other_roles_cannot_export(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(EXPORT).status_code == 404
    assert not AuditEvent.objects.exists()


def test_it_is_written_in_the_language_of_the_request(reviewer_client, applicant, reviewer):
    (app,) = bulk_applications(applicant, 1, status=Status.IN_REVIEW, reviewer=reviewer)
    response = reviewer_client.get(EXPORT, {"tab": "mine"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    (row,) = rows_of(response)
    assert row["申请编号"] == app.reference
    assert row["状态"] == "审核中" and row["省份"] == "广东"
    assert row["审核人"] == str(reviewer)


def test_text_typed_by_applicants_cannot_run_as_a_spreadsheet_formula(reviewer_client, applicant):
    (app,) = bulk_applications(applicant, 1)
    MerchantApplication.objects.filter(pk=app.pk).update(business_name='=HYPERLINK("http://evil.example","x")')
    (row,) = rows_of(reviewer_client.get(EXPORT))
    assert row["Business name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["Mobile"].startswith("'+86")


def test_full_width_formula_starts_are_made_inert_too():
    from applications.views.reviewer import _cell

    assert _cell("＝HYPERLINK(1)") == "'＝HYPERLINK(1)"
    assert _cell("  =1+1") == "'  =1+1"
    assert _cell("王小明便利店") == "王小明便利店"
