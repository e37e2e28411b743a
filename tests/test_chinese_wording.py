"""The Chinese the portal shows reads naturally and uses one word for one thing: allauth's
texts that read badly are translated again in the portal's catalogue, which wins."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from accounts.allauth_texts import ALLAUTH_TEXTS

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Wordings the proofreading removed, and why.
AVOIDED = {
    "应答码": "the terminal prints 返回码, and so does the portal",
    "Email": "邮箱 / 邮件, never the English word in a Chinese sentence",
    "错误代码": "a wrong verification code is 验证码不正确",
    "Hello": "a Chinese greeting",
}


def _translations() -> list[str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    return [m for m in re.findall(r'^msgstr "(.*)"$', text, re.MULTILINE) if m]


@pytest.mark.parametrize("word", sorted(AVOIDED))
def test_the_catalogue_avoids_a_wording(word):
    assert not [t for t in _translations() if word in t], AVOIDED[word]


@pytest.mark.parametrize("msgid", ALLAUTH_TEXTS)
def test_allauths_texts_read_as_the_portal_translated_them(msgid):
    with translation.override("zh-hans"):
        shown = gettext(msgid)
    assert shown != msgid
    assert not any(word in shown for word in AVOIDED), shown


def test_the_sign_in_code_is_a_verification_code_not_a_response_code():
    with translation.override("zh-hans"):
        assert gettext("Code") == "验证码"
        assert gettext("Incorrect code.") == "验证码不正确。"
        assert gettext("Response code") == "返回码"
