"""Personal numbers sealed at rest: no clear resident ID, bank card or mobile in any table,
URL, audit row or log line; exact search, duplicates and key rotation still work."""

import logging
import re

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import User
from applications.choices import Status
from applications.models import AuditEvent, MerchantApplication
from applications.selectors import duplicates_of
from core import crypto
from tests.conftest import needs_postgres

QUEUE = reverse("applications:review_queue")
EXPORT = reverse("applications:review_export")


def spellings(number: str) -> set[str]:
    """The number as it could appear: whole, and a mobile without its +86."""
    return {number, number.removeprefix("+86"), number.removeprefix("+")}


def clear_numbers_in_database(numbers: set[str]) -> list[str]:
    """Every table, every row, read as text by raw SQL: where does any of `numbers` appear?"""
    found = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608 (names from the database itself)
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                found += [f"{table}: {n}" for n in numbers if n in text]
    return found


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def walk_everything(application_in, reviewer_client) -> tuple[MerchantApplication, set[str]]:
    app = application_in(Status.ACTIVE)
    application_in(Status.SUBMITTED)
    # Searches and an export by number: the audit row of the export keeps the filters.
    reviewer_client.post(QUEUE, {"tab": "all", "q": app.mobile.removeprefix("+86")})
    reviewer_client.get(EXPORT, {"tab": "all", "q": app.id_number})
    numbers = set()
    for value in (app.id_number, app.card_number, app.mobile, app.applicant.mobile):
        numbers |= spellings(value)
    return app, numbers


@pytest.mark.django_db
def test_no_clear_personal_number_is_stored_anywhere(application_in, reviewer_client):
    _app, numbers = walk_everything(application_in, reviewer_client)
    assert AuditEvent.objects.filter(action="queue.exported").exists()
    assert clear_numbers_in_database(numbers) == []


@needs_postgres()
@pytest.mark.postgres
@pytest.mark.django_db
def test_no_clear_personal_number_is_stored_anywhere_on_postgresql(application_in, reviewer_client):
    assert connection.vendor == "postgresql"
    _app, numbers = walk_everything(application_in, reviewer_client)
    assert clear_numbers_in_database(numbers) == []


@pytest.mark.django_db
def test_the_numbers_are_stored_as_tokens_and_read_back_clear(application_in):
    app = application_in(Status.SUBMITTED)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, card_number, mobile, id_number_index FROM applications_merchantapplication "
            "WHERE id = %s",
            [app.pk],
        )
        id_number, card, mobile, index = cursor.fetchone()
    assert all(crypto.is_token(v) for v in (id_number, card, mobile))
    assert index == crypto.blind_index(app.id_number) and re.fullmatch(r"[0-9a-f]{64}", index)
    fresh = MerchantApplication.objects.get(pk=app.pk)
    assert (fresh.id_number, fresh.card_number, fresh.mobile) == (app.id_number, app.card_number, app.mobile)


@pytest.mark.django_db
def test_exact_search_and_duplicates_still_work_through_the_blind_index(application_in):
    app = application_in(Status.SUBMITTED)
    other = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=other.pk).update(card_number=app.card_number)
    assert list(MerchantApplication.objects.filter(id_number=app.id_number)) == [app]
    assert set(MerchantApplication.objects.filter(card_number=app.card_number)) == {app, other}
    assert [d.matches for d in duplicates_of(app) if d.application == other] == [("card_number", "mobile")]
    # Every person of the fixtures has the same mobile, and nobody another.
    assert set(User.objects.filter(mobile=app.applicant.mobile)) == set(User.objects.all())
    assert not User.objects.filter(mobile="+8613700137000").exists()


@pytest.mark.django_db
def test_a_lookup_that_ciphertext_cannot_answer_is_refused_not_silently_empty():
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(MerchantApplication.objects.filter(mobile__startswith="+86138"))


@pytest.mark.django_db
def test_a_search_by_number_keeps_the_number_out_of_urls_and_the_audit(application_in, reviewer_client):
    app = application_in(Status.SUBMITTED)
    response = reviewer_client.post(QUEUE, {"tab": "all", "q": app.mobile.removeprefix("+86")})
    assert response.status_code == 302
    assert app.mobile[3:] not in response["Location"] and "%23" in response["Location"]
    page = reviewer_client.get(response["Location"])
    assert [row.app for row in page.context["rows"]] == [app]
    assert app.mobile[3:] not in page.content.decode()
    # Typed into the address bar, it is sent on at once to the token.
    typed = reviewer_client.get(QUEUE, {"tab": "all", "q": app.id_number})
    assert typed.status_code == 302 and app.id_number not in typed["Location"]
    reviewer_client.get(EXPORT, {"tab": "all", "q": app.card_number})
    detail = str(AuditEvent.objects.get(action="queue.exported").detail)
    assert app.card_number not in detail and "#" + crypto.blind_index(app.card_number) in detail


def test_log_records_of_every_handler_and_gunicorn_are_masked():
    from django.conf import settings

    from core.masking import MaskPersonalDataFilter
    from pos_portal import gunicorn_conf

    assert "mask_personal_data" in settings.LOGGING["handlers"]["console"]["filters"]
    gunicorn_logging = gunicorn_conf.logconfig_dict
    for name in ("gunicorn.error", "gunicorn.access"):
        handlers = gunicorn_logging["loggers"][name]["handlers"]
        assert all("mask_personal_data" in gunicorn_logging["handlers"][h]["filters"] for h in handlers)
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, '%(h)s "%(r)s"', ({"h": "1.2.3.4", "r": "GET /?q=13800138000"},), None
    )
    MaskPersonalDataFilter().filter(record)
    assert "13800138000" not in record.getMessage()


@pytest.mark.django_db
def test_the_log_of_a_whole_walk_holds_no_clear_number(application_in, reviewer_client, caplog):
    from core.masking import MaskPersonalDataFilter

    handler_filter = MaskPersonalDataFilter()
    caplog.handler.addFilter(handler_filter)  # the filter every configured handler carries
    with caplog.at_level(logging.DEBUG):
        _app, numbers = walk_everything(application_in, reviewer_client)
    caplog.handler.removeFilter(handler_filter)
    assert caplog.records, "the walk logs something (outbox deliveries, SMS)"
    assert [n for n in numbers if n in caplog.text] == []


@pytest.mark.django_db
def test_rotation_re_encrypts_every_row_with_the_new_keys(application_in, settings):
    app = application_in(Status.SUBMITTED)
    old_key, old_index_key = settings.FIELD_ENCRYPTION_KEYS[0], settings.BLIND_INDEX_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    settings.BLIND_INDEX_KEYS = ["a-new-index-key", old_index_key]
    # Before the command: old rows still read and are still found.
    assert MerchantApplication.objects.get(mobile=app.mobile) == app
    call_command("rotate_personal_data_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    settings.BLIND_INDEX_KEYS = ["a-new-index-key"]
    fresh = MerchantApplication.objects.get(card_number=app.card_number)
    assert (fresh.id_number, fresh.mobile) == (app.id_number, app.mobile)
    assert fresh.mobile_index == crypto.blind_index(app.mobile, key="a-new-index-key")
    assert app.applicant in User.objects.filter(mobile=app.applicant.mobile)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_rows_written_in_clear_before_it():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0002_roles"), ("applications", "0002_reviewer_queue_indexes")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("accounts", "User").objects.create(
        username="old", email="old@example.cn", mobile="+8613700137000"
    )
    old.get_model("applications", "MerchantApplication").objects.create(
        applicant_id=user.pk, reference="PA-OLDROW22", id_number="110105198001030025", mobile="+8613700137000",
        card_number="6222020000000000018",
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    numbers = {"110105198001030025", "6222020000000000018", "13700137000"}
    assert clear_numbers_in_database(numbers) == []
    app = MerchantApplication.objects.get(reference="PA-OLDROW22")
    assert (app.id_number, app.mobile, app.card_number) == (
        "110105198001030025",
        "+8613700137000",
        "6222020000000000018",
    )
    assert MerchantApplication.objects.get(card_number="6222020000000000018") == app
    assert User.objects.get(mobile="+8613700137000").email == "old@example.cn"
