"""Staff's TOTP secrets and recovery-code seeds, stored in clear by allauth until now, encrypted."""

from django.db import migrations


def seal(apps, schema_editor):
    from accounts.adapter import reseal_authenticators

    reseal_authenticators(apps.get_model("mfa", "Authenticator"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sealed_mobile"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    # No way back: a clear secret is what this removes (the adapter still reads either).
    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
