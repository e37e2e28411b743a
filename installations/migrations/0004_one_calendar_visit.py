from django.db import migrations


class Migration(migrations.Migration):
    """The installation appointment becomes the one Visit of every purpose (its rows stay)."""

    dependencies = [
        ("installations", "0003_field_labels_translated"),
        ("terminals", "0004_device_data_from_support"),
    ]

    operations = [
        migrations.RenameModel("InstallationAppointment", "Visit"),
    ]
