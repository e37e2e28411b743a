"""Staff's second factors: allauth stored each TOTP secret and recovery-code seed as given, so a
copy of the database let anyone compute every staff member's codes. They are sealed with the
personal numbers' keys (accounts.adapter.MFAAdapter), rotated with them, and a secret written
before the change is sealed by the migration and still works meanwhile."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from accounts.adapter import reseal_authenticators
from core import crypto


def _raw_data() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator")
        return " ".join(str(row[0]) for row in cursor.fetchall())


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.django_db
def test_a_totp_secret_and_a_recovery_seed_are_never_stored_in_clear(reviewer):
    secret = generate_totp_secret()
    totp = TOTP.activate(reviewer, secret)
    codes = RecoveryCodes.activate(reviewer)

    stored = _raw_data()
    assert secret not in stored
    assert codes.instance.data["seed"].startswith(crypto.TOKEN_PREFIX)
    assert crypto.decrypt(codes.instance.data["seed"]) not in stored
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(_code(secret))


@pytest.mark.django_db
def test_a_secret_written_in_clear_before_still_works_and_is_sealed(reviewer):
    secret = generate_totp_secret()
    clear = Authenticator.objects.create(user=reviewer, type=Authenticator.Type.TOTP, data={"secret": secret})
    assert TOTP(clear).validate_code(_code(secret))  # the adapter reads an old row as it is

    assert reseal_authenticators() == ("mfa.Authenticator", 1)  # what the migration runs

    assert secret not in _raw_data()
    clear.refresh_from_db()
    assert crypto.decrypt(clear.data["secret"]) == secret


@pytest.mark.django_db
def test_rotation_re_encrypts_the_secrets_with_the_new_key(reviewer, settings):
    secret = generate_totp_secret()
    totp = TOTP.activate(reviewer, secret)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]

    call_command("rotate_personal_data_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed

    fresh = Authenticator.objects.get(pk=totp.instance.pk)
    assert TOTP(fresh).validate_code(_code(secret))
