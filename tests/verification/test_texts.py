"""What the robot writes is kept as codes and worded when read: its approval message and its own
name read in the reader's language, whatever the language of the applicant it decided for."""

import pytest
from django.urls import reverse

from applications.choices import Status
from tests.conftest import history_of
from verification.choices import SYSTEM_USERNAME

pytestmark = pytest.mark.verification

READINGS = [
    ("en", "Approved automatically: every check matched (identity, bank card, business register, mobile operator).",
     "automatic verification"),
    ("zh-hans", "已自动批准：各项核验全部一致（身份、银行卡、工商登记、运营商）。", "自动核验"),
]  # fmt: skip


@pytest.fixture
def robot_approved(filled, submit, applicant, django_capture_on_commit_callbacks):
    # The applicant reads Chinese: the words must not be fixed in their language when written.
    applicant.preferred_language = "zh-hans"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        app = submit(filled())
    app.refresh_from_db()
    assert app.status == Status.APPROVED and history_of(app)[-1].by.username == SYSTEM_USERNAME
    return app


def read(client, user, url: str, language: str) -> str:
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_message_is_kept_as_a_code_not_as_words(robot_approved):
    stored = history_of(robot_approved)[-1].description
    assert "Approved automatically" in stored and "已自动批准" not in stored
    assert '"checks"' in stored and robot_approved.decision_message == stored


@pytest.mark.parametrize(("language", "message", "robot"), READINGS)
def test_the_applicant_reads_the_approval_in_their_language(
    client, applicant, robot_approved, language, message, robot
):
    page = read(client, applicant, reverse("applications:status", args=[robot_approved.reference]), language)
    assert message in page
    assert '"text"' not in page and "&quot;text&quot;" not in page


@pytest.mark.parametrize(("language", "message", "robot"), READINGS)
def test_staff_read_the_robot_and_its_message_in_their_language(
    client, reviewer, robot_approved, language, message, robot
):
    page = read(client, reviewer, reverse("applications:review", args=[robot_approved.reference]), language)
    history = page.split("</table>")[-2]  # the history is the page's last table
    assert f"<td>{robot}</td>" in history and message in history
    assert page.count(message) == 2  # in the history and under "Last decision"
    assert "&quot;text&quot;" not in page


@pytest.mark.parametrize(("language", "message", "robot"), READINGS)
def test_the_admin_reads_them_in_its_readers_language(client, admin_user, robot_approved, language, message, robot):
    url = reverse("admin:applications_merchantapplication_change", args=[robot_approved.pk])
    page = read(client, admin_user, url, language)
    assert page.count(message) >= 3  # the message to the applicant, the last status change, the history
    assert robot in page and "&quot;text&quot;" not in page


@pytest.mark.parametrize("typed", ["Looks fine.", '{"text": not json', '{"text": 1}', '{"other": "x"}', "请补充门头照"])
def test_words_a_person_typed_read_as_typed(typed):
    from core.texts import wording

    assert wording(typed) == typed


def test_a_kept_text_reads_in_each_language():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from core.texts import kept, text, wording

    stored = kept(text("Approved automatically: every check matched (%(checks)s).", checks=[gettext_lazy("identity")]))
    with translation.override("zh-hans"):
        assert wording(stored) == "已自动批准：各项核验全部一致（身份）。"
    with translation.override("en"):
        assert wording(stored) == "Approved automatically: every check matched (identity)."
