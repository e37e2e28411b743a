"""Full-width digits passed the mobile check and were stored as typed: a number the blind index
then never matched (a search by the number found nothing, a duplicate went unseen).

Every form that takes a personal number, the admin's included, stores the one ASCII spelling
(the search and the duplicate check find it by that spelling) or refuses what is not a number
with a reason, storing nothing. Digits of other scripts (Arabic-Indic, Devanagari) are refused.
"""

import pytest
from django.urls import reverse

from accounts.models import User
from applications.choices import Status
from applications.models import MerchantApplication
from installations.samples import valid_card_number, valid_id_number
from tests.backoffice.test_admin_every_model import _posted_form

FULL_WIDTH = str.maketrans("0123456789Xx+", "０１２３４５６７８９ＸｘＫ".replace("Ｋ", "＋"))
MOBILE = "+8613700137000"
TYPED_MOBILE = "＋８６ １３７－００１３\u3000７０００"
FOREIGN_MOBILES = ["١٣٧٠٠١٣٧٠٠٠", "१३७००१३७०००", "13７0013７00０Ｘ"]


def _sealed_lookup_finds(model, **lookup) -> bool:
    return model.objects.filter(**lookup).exists()


@pytest.mark.django_db
def test_the_profile_stores_a_full_width_mobile_as_ascii_and_finds_it(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("accounts:profile"), {"mobile": TYPED_MOBILE, "preferred_language": "zh-hans"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.mobile == MOBILE
    assert _sealed_lookup_finds(User, mobile=MOBILE)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", FOREIGN_MOBILES)
def test_the_profile_refuses_other_scripts_digits_and_stores_nothing(client, applicant, typed):
    client.force_login(applicant)
    before = applicant.mobile
    response = client.post(reverse("accounts:profile"), {"mobile": typed, "preferred_language": "zh-hans"})
    assert response.status_code == 200 and "mainland China mobile number" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.mobile == before


@pytest.mark.django_db
def test_the_admin_stores_a_user_s_full_width_mobile_as_ascii(client, admin_user, applicant):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[applicant.pk])
    data = _posted_form(client.get(url))
    data["mobile"] = TYPED_MOBILE

    response = client.post(url, data)

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.mobile == MOBILE
    assert _sealed_lookup_finds(User, mobile=MOBILE)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", FOREIGN_MOBILES)
def test_the_admin_refuses_other_scripts_digits_in_a_user_s_mobile(client, admin_user, applicant, typed):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[applicant.pk])
    data = _posted_form(client.get(url))
    before = applicant.mobile
    data["mobile"] = typed

    response = client.post(url, data)

    assert response.status_code == 200 and response.context["errors"]
    applicant.refresh_from_db()
    assert applicant.mobile == before


@pytest.mark.django_db
def test_the_admin_stores_an_application_s_numbers_as_the_applicant_s_forms_do(client, admin_user, application_in):
    draft = application_in(Status.DRAFT)
    id_number, card = valid_id_number(8), valid_card_number(8)
    client.force_login(admin_user)
    url = reverse("admin:applications_merchantapplication_change", args=[draft.pk])
    data = _posted_form(client.get(url))
    data["id_number"] = f"{id_number[:6]} {id_number[6:14]}\u3000{id_number[14:]}".lower().translate(FULL_WIDTH)
    data["card_number"] = " ".join(card[i : i + 4] for i in range(0, len(card), 4)).translate(FULL_WIDTH)
    data["mobile"] = TYPED_MOBILE

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    draft.refresh_from_db()
    assert (draft.id_number, draft.card_number, draft.mobile) == (id_number.upper(), card, MOBILE)
    for field, value in (("id_number", id_number), ("card_number", card), ("mobile", MOBILE)):
        assert _sealed_lookup_finds(MerchantApplication, pk=draft.pk, **{field: value}), field


@pytest.mark.django_db
@pytest.mark.parametrize("typed", FOREIGN_MOBILES)
def test_the_admin_refuses_other_scripts_digits_in_an_application_and_changes_nothing(
    client, admin_user, application_in, snapshot, typed
):
    draft = application_in(Status.DRAFT)
    before = snapshot(draft)
    mobile = draft.mobile
    client.force_login(admin_user)
    url = reverse("admin:applications_merchantapplication_change", args=[draft.pk])
    data = _posted_form(client.get(url))
    data["mobile"] = typed

    response = client.post(url, data)

    assert response.status_code == 200 and response.context["errors"]
    draft.refresh_from_db()
    assert draft.mobile == mobile
    before.assert_unchanged()
