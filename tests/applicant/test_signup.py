"""Accounts for applicants: sign-up with the +86 mobile, verification by code, login, logout, password reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role, has_role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.merchant@example.cn",
    "password1": "a-long-and-unusual-pass-42",
    "password2": "a-long-and-unusual-pass-42",
    "mobile": "138 0013 8000",
}


def code_from(message: mail.EmailMessage) -> str:
    match = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4}|[A-Z0-9]{6})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def test_sign_up_stores_the_mobile_normalised_and_gives_the_applicant_role(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert user.mobile == "+8613800138000"
    assert has_role(user, Role.APPLICANT)
    assert user.preferred_language == "en"


def test_sign_up_in_chinese_remembers_chinese_for_messages(client):
    client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert User.objects.get(email=SIGNUP["email"]).preferred_language == "zh-hans"


def test_sign_up_with_an_invalid_mobile_says_so_beside_it_and_keeps_what_was_typed(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "mobile": "12345"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a mainland China mobile number" in html
    assert 'value="new.merchant@example.cn"' in html
    assert 'value="12345"' in html
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_sign_up_errors_come_in_chinese_for_a_chinese_browser(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "mobile": "12345"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "请输入中国大陆手机号码" in response.content.decode()


def test_the_account_is_usable_only_after_the_emailed_code_is_entered(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(email=SIGNUP["email"]).verified
    assert len(mail.outbox) == 1

    response = client.post(reverse("account_email_verification_sent"), {"code": code_from(mail.outbox[0])})

    assert response.status_code == 302
    assert response.url == reverse("backoffice:landing")
    assert client.get(response.url).url == reverse("applications:mine")
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    assert client.get(reverse("applications:mine")).status_code == 200


def test_a_wrong_code_is_refused_and_the_address_stays_unverified(client):
    client.post(reverse("account_signup"), SIGNUP)

    response = client.post(reverse("account_email_verification_sent"), {"code": "AAAAAA"})

    assert response.status_code == 200
    assert not EmailAddress.objects.get(email=SIGNUP["email"]).verified


def test_an_applicant_logs_in_lands_on_their_applications_and_logs_out(client, applicant):
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)

    response = client.post(reverse("account_login"), {"login": applicant.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("applications:mine")

    client.post(reverse("account_logout"))
    assert client.get(reverse("applications:mine")).status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(client, applicant):
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)

    client.post(reverse("account_reset_password"), {"email": applicant.email})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "another-long-pass-77", "password2": "another-long-pass-77"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("another-long-pass-77")


def test_the_account_page_changes_the_mobile_and_refuses_an_invalid_one(client, applicant):
    client.force_login(applicant)

    response = client.post(reverse("accounts:profile"), {"mobile": "139-0013-9999", "preferred_language": "en"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.mobile == "+8613900139999"

    response = client.post(reverse("accounts:profile"), {"mobile": "00000", "preferred_language": "en"})
    assert response.status_code == 200
    assert "Enter a mainland China mobile number" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.mobile == "+8613900139999"


def test_repeated_failed_logins_are_rate_limited(client, applicant):
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    answers = [client.post(reverse("account_login"), {"login": applicant.email, "password": "wrong"}) for _ in range(8)]

    # accounts.throttle: five per account and address; tests/security/ covers the other limits.
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert "Too many wrong passwords for this account from here" in answers[-1].content.decode()


def test_staff_who_log_in_land_on_their_own_work_not_on_applications(client, reviewer):
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)

    response = client.post(reverse("account_login"), {"login": reviewer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(response.url).url == reverse("applications:review_queue")


def test_before_the_code_is_entered_the_new_account_is_not_signed_in(client):
    client.post(reverse("account_signup"), SIGNUP)

    response = client.get(reverse("applications:mine"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
