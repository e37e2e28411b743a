"""Every page is in Simplified Chinese and English: the Chinese catalogue leaves nothing out."""

import re
from pathlib import Path

import pytest
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry but the header; plurals count by their first form."""
    entries = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        body = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
        head, found, tail = body.partition("\nmsgstr")
        msgid = "".join(re.findall(r'"(.*)"', head.split("msgid_plural")[0]))
        if found and msgid:
            entries.append((msgid, "".join(re.findall(r'"(.*)"', tail.split("\nmsgstr[1]")[0])), fuzzy))
    return entries


def test_every_string_has_a_chinese_translation():
    missing = [msgid for msgid, msgstr, _fuzzy in _entries() if not msgstr]
    assert missing == []


def test_no_translation_is_a_guess_left_fuzzy():
    assert [msgid for msgid, _msgstr, fuzzy in _entries() if fuzzy] == []


@pytest.mark.parametrize(("english", "chinese"), [("Draft", "草稿"), ("Submitted", "已提交")])
def test_the_compiled_catalogue_is_the_one_django_uses(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
