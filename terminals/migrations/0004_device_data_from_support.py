"""Terminals takes over the device data that support held, rows kept: the tables were renamed
by support.0003_device_data_to_terminals, so the models are created in Django's state only.
The content types move too, so the permissions granted on them and the admin's log keep
pointing at the same rows.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ("devicecredential", "deviceevent", "terminalhealth", "remotecommand")


def _move_content_types(apps, source: str, target: str) -> None:  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_to_terminals(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move_content_types(apps, "support", "terminals")


def content_types_to_support(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move_content_types(apps, "terminals", "support")


class Migration(migrations.Migration):

    dependencies = [
        ('terminals', '0003_field_labels_translated'),
        ("support", "0003_device_data_to_terminals"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
      migrations.SeparateDatabaseAndState(
      database_operations=[],
      state_operations=[
        migrations.CreateModel(
            name='DeviceCredential',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='token hash (SHA-256)')),
                ('token_hint', models.CharField(max_length=4, verbose_name='last characters of the token')),
                ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('terminal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='device_credential', to='terminals.terminal')),
            ],
            options={
                'verbose_name': 'device credential',
                'verbose_name_plural': 'device credentials',
            },
        ),
        migrations.CreateModel(
            name='RemoteCommand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('about_kind', models.CharField(blank=True, max_length=20, verbose_name='about (kind)')),
                ('about_id', models.PositiveIntegerField(blank=True, null=True, verbose_name='about (id)')),
                ('kind', models.CharField(choices=[('resend_configuration', 'Re-send the configuration'), ('sign_in', 'Ask for a new sign-in')], max_length=30, verbose_name='kind')),
                ('payload', models.JSONField(blank=True, default=dict, verbose_name='payload')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='delivered at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('terminal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='remote_commands', to='terminals.terminal')),
            ],
            options={
                'verbose_name': 'remote command',
                'verbose_name_plural': 'remote commands',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='TerminalHealth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_heartbeat_at', models.DateTimeField(blank=True, null=True, verbose_name='last heartbeat')),
                ('last_signin_at', models.DateTimeField(blank=True, null=True, verbose_name='last sign-in')),
                ('last_signin_code', models.CharField(blank=True, max_length=2, verbose_name='last sign-in answer')),
                ('last_transaction_at', models.DateTimeField(blank=True, null=True, verbose_name='last transaction')),
                ('last_code', models.CharField(blank=True, max_length=2, verbose_name='last response code shown')),
                ('last_code_at', models.DateTimeField(blank=True, null=True, verbose_name='last response code at')),
                ('reported_config', models.JSONField(blank=True, default=dict, verbose_name='configuration last reported')),
                ('software_version', models.CharField(blank=True, max_length=40, verbose_name='software version')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('terminal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='health', to='terminals.terminal')),
            ],
            options={
                'verbose_name': 'terminal health',
                'verbose_name_plural': 'terminal health',
            },
        ),
        migrations.CreateModel(
            name='DeviceEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.CharField(max_length=64, verbose_name='event ID (from the terminal)')),
                ('kind', models.CharField(choices=[('heartbeat', 'Heartbeat'), ('signin', 'Sign-in'), ('transaction', 'Transaction result')], max_length=12, verbose_name='kind')),
                ('occurred_at', models.DateTimeField(verbose_name="at (terminal's clock)")),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received at')),
                ('response_code', models.CharField(blank=True, max_length=2, verbose_name='response code')),
                ('config', models.JSONField(blank=True, default=dict, verbose_name='configuration reported')),
                ('software_version', models.CharField(blank=True, max_length=40, verbose_name='software version')),
                ('terminal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='device_events', to='terminals.terminal')),
            ],
            options={
                'verbose_name': 'device report',
                'verbose_name_plural': 'device reports',
                'ordering': ['-received_at', '-pk'],
                'indexes': [models.Index(fields=['response_code', 'received_at'], name='device_event_code_time'), models.Index(fields=['terminal', 'kind', 'received_at'], name='device_event_terminal_kind')],
                'constraints': [models.UniqueConstraint(fields=('terminal', 'event_id'), name='device_event_once')],
            },
        ),
        ],
      ),
      migrations.RunPython(content_types_to_terminals, content_types_to_support),
    ]
