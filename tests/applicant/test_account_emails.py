"""allauth's e-mails speak as the portal: its name (not the request's host), its address, the
support hotline; in the reader's language, with no "Hello!" nor English in the Chinese one."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from .test_signup import SIGNUP, code_from

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://pos.example.cn"
    settings.SUPPORT_HOTLINE = "400-123-4567"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_sign_up_code_comes_from_the_portal_with_the_hotline(client, language):
    client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE=language)

    message = mail.outbox[-1]
    assert code_from(message)
    assert "400-123-4567" in message.body
    assert "https://pos.example.cn" in message.body
    assert "Hello!" not in message.body and "127.0.0.1" not in message.body and "testserver" not in message.body
    if language == "zh-hans":
        assert "POS 商户服务平台" in message.body and "POS 商户服务平台" in message.subject
        # No English words left but the portal's own name, the address and the code.
        rest = message.body.replace("POS", "").replace("https://pos.example.cn", "").replace(code_from(message), "")
        rest = rest.replace("pos.example.cn", "")
        assert not re.findall(r"[A-Za-z]{3,}", rest), rest
        assert "Email" not in message.subject
    else:
        assert "POS Portal" in message.body and "[POS Portal]" in message.subject
        assert not CHINESE.search(message.body + message.subject)
