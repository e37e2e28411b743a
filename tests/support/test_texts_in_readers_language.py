"""A case opened in one language is read in the other: its checks, findings, history lines and
messages are kept as codes and parameters and worded for the reader (core.texts).

"Codes and numbers aside": references, serial numbers, terminal and merchant IDs, response codes
and moments' digits are the same in both languages, and are taken out before looking.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from lxml import html

from support.models import CaseAction, Incident, SupportCase
from support.services import _event, case_request_signin, case_resend_configuration, case_resolve
from terminals.models import TerminalHealth

from .conftest import config_of

CHINESE = re.compile(r"[\u3400-\u9fff]")
# Abbreviations both languages write the same way.
SHARED_WORDS = {"ID", "TID", "MID", "POS", "KCV", "SMS"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
XPATHS = {
    "ul.checks li": "//ul[contains(@class, 'checks')]/li",
    "#your-words li": "//*[@id='your-words']//li",
    "#answers li": "//*[@id='answers']//li",
    "#history .what": "//*[@id='history']//*[contains(@class, 'what')]",
    ".inbox-item": "//*[contains(@class, 'inbox-text')]",
    ".findings li": "//ul[contains(@class, 'findings')]/li",
}


def _texts(page: str, selector: str) -> list[str]:
    tree = html.fromstring(page)
    return [" ".join(node.text_content().split()) for node in tree.xpath(XPATHS[selector])]


def _without_codes(text: str, terminal) -> str:
    config = config_of(terminal)
    for value in (terminal.serial_number, config["tid"], config["mid"], config["host"]):
        text = text.replace(str(value), "")
    text = re.sub(r"\bSC-[A-Z0-9]+|\bPA-[A-Z0-9]+", "", text)
    return re.sub(r"\b(a\.m\.|p\.m\.)", "", text)  # never in the Chinese page's moments anyway


def _english_words(text: str) -> list[str]:
    return [w for w in ENGLISH_WORD.findall(text) if w not in SHARED_WORDS]


def _opened_in(language: str, terminal, client, support, *, code: str) -> SupportCase:
    """The merchant opens the case through the page, support acts on it through theirs, all in `language`."""
    merchant = terminal.application.applicant
    client.force_login(merchant)
    response = client.post(
        reverse("support:case_new", args=[terminal.serial_number]),
        {"code": code, "symptom": "", "tried": ["0", "1"], "note": "2026 12 01"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = SupportCase.objects.get(terminal=terminal)
    with translation.override(language):
        case_resend_configuration(case=case, by=support)
        case = SupportCase.objects.get(pk=case.pk)
        case_request_signin(case=case, by=support)
        # The history line of a booked visit (booking itself is the calendar's, tested there).
        _event(case, CaseAction.VISIT_BOOKED, support, when=timezone.now() + timedelta(days=2))
        case = SupportCase.objects.get(pk=case.pk)
        case_resolve(case=case, by=support, resolution="12345")
    return SupportCase.objects.get(pk=case.pk)


def _seen_by(reader, url: str, language: str, client) -> str:
    client.force_login(reader)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def troubled(live_terminal_for, acquirer):
    """Two terminals whose checks say as much as checks can: unknown at the host, a stale
    heartbeat, a refused sign-in, a drifted configuration, an open incident."""
    terminals = [live_terminal_for(), live_terminal_for()]
    acquirer.register_merchant(config_of(terminals[0])["mid"])
    long_ago = timezone.now() - timedelta(days=3)
    for terminal in terminals:
        TerminalHealth.objects.update_or_create(
            terminal=terminal,
            defaults={
                "last_heartbeat_at": long_ago,
                "last_signin_at": long_ago,
                "last_signin_code": "97",
                "reported_config": {**config_of(terminals[0]), "tid": "99999999", "port": 1},
            },
        )
    Incident.objects.create(codes=["96"], terminals_affected=7)
    return terminals


@pytest.mark.parametrize(("written", "read"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_a_case_reads_in_the_readers_language_whoever_opened_it(written, read, troubled, support, client):
    cases = [
        _opened_in(written, troubled[0], client, support, code="05"),
        _opened_in(written, troubled[1], client, support, code="97"),
    ]
    for case in cases:
        merchant_page = _seen_by(
            case.application.applicant, reverse("support:case_detail", args=[case.reference]), read, client
        )
        staff_page = _seen_by(support, reverse("support:case_manage", args=[case.reference]), read, client)
        inbox = _seen_by(case.application.applicant, reverse("notifications:inbox"), read, client)
        texts = (
            _texts(merchant_page, "ul.checks li")
            + _texts(merchant_page, "#your-words li")
            + _texts(staff_page, "ul.checks li")
            + _texts(staff_page, "#answers li")
            + _texts(staff_page, "#history .what")
            + _texts(inbox, ".inbox-item")
        )
        assert len(_texts(staff_page, "ul.checks li")) == 5
        assert len(_texts(staff_page, "#history .what")) == 5  # opened, re-sent, sign-in, visit, resolved
        assert len(_texts(merchant_page, "#your-words li")) == 2
        assert _texts(inbox, ".inbox-item"), "the merchant's messages about the case"
        for text in texts:
            shown = _without_codes(text, case.terminal)
            if read == "en":
                assert not CHINESE.search(shown), text
            else:
                assert not _english_words(shown), text


def test_the_problem_pages_findings_read_in_the_pages_language(troubled, client):
    terminal = troubled[1]
    client.force_login(terminal.application.applicant)
    url = reverse("support:terminal_problem", args=[terminal.serial_number])
    for language in ("en", "zh-hans"):
        page = client.get(url, {"code": "97"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        findings = _texts(page, ".findings li") + _texts(page, "ul.checks li")
        assert findings
        for text in findings:
            shown = _without_codes(text, terminal)
            if language == "en":
                assert not CHINESE.search(shown), text
            else:
                assert not _english_words(shown), text


def test_a_case_kept_before_checks_were_codes_shows_its_words_as_they_were(live_terminal, client, support):
    old = {"key": "contact", "status": "problem", "title": "最后心跳与签到", "message": "终端从未向我们报告。"}
    case = SupportCase.objects.create(
        terminal=live_terminal,
        application=live_terminal.application,
        opened_by=live_terminal.application.applicant,
        code="97",
        checks=[old],
    )
    page = _seen_by(support, reverse("support:case_manage", args=[case.reference]), "en", client)

    assert "终端从未向我们报告。" in " ".join(_texts(page, "ul.checks li"))


def test_the_admin_shows_a_cases_checks_in_the_readers_language(troubled, client, admin_user, support):
    case = _opened_in("en", troubled[0], client, support, code="05")
    client.force_login(admin_user)

    page = client.get(
        reverse("admin:support_supportcase_change", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "终端号" in page and "未在收单主机登记" in page
    assert "is not registered at the acquirer host" not in page
    assert "问题" in page and ">problem<" not in page
