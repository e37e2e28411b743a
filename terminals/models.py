from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import MerchantApplication
from applications.validators import validate_merchant_id
from core.choices import TerminalModel
from core.time import stamp


class TerminalStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    ASSIGNED = "assigned", _("Assigned")
    CONFIGURED = "configured", _("Configured")
    ACTIVE = "active", _("Active")
    FAULTY = "faulty", _("Faulty")
    RETIRED = "retired", _("Retired")


class CommMode(models.TextChoices):
    ETHERNET = "ethernet", _("Ethernet")
    CELLULAR = "cellular", _("4G")
    WIFI = "wifi", _("Wi-Fi")
    DIALUP = "dialup", _("Dial-up")


validate_tid = RegexValidator(
    r"^[0-9A-Z]{8}$", _("A terminal ID (TID) has exactly 8 digits or capital letters."), code="tid_format"
)
validate_kcv = RegexValidator(
    r"^[0-9A-F]{6}$",
    _("A key check value (KCV) has 6 hexadecimal characters (0-9, A-F). Never enter the key itself."),
    code="kcv_format",
)


class Terminal(models.Model):
    """One physical terminal from inventory, known by its serial number."""

    serial_number = models.CharField(_("serial number"), max_length=40, unique=True)
    model = models.CharField(_("model"), max_length=20, choices=TerminalModel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=TerminalStatus.choices, default=TerminalStatus.IN_STOCK, db_index=True
    )
    application = models.ForeignKey(
        MerchantApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terminals",
        verbose_name=_("assigned to"),
    )
    key_check_value = models.CharField(
        _("key check value (KCV)"),
        max_length=6,
        blank=True,
        validators=[validate_kcv],
        help_text=_("Of the key loaded in the warehouse; the key itself never reaches the portal."),
    )
    # The TID issued to this terminal, allocated at its first assignment and registered at the host.
    tid = models.CharField(_("issued terminal ID (TID)"), max_length=8, unique=True, null=True, blank=True)
    host_registered_at = models.DateTimeField(_("registered at the acquirer host"), null=True, blank=True)
    host_registration_error = models.CharField(_("last registration error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")
        ordering = ["serial_number"]

    def __str__(self) -> str:
        return f"{self.serial_number} ({self.get_model_display()})"


class TerminalConfiguration(models.Model):
    """What the installer set on the terminal to reach the acquirer's host.

    Only the key check value is kept: clear keys are never entered, stored or shown.
    """

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="configurations", verbose_name=_("application")
    )
    terminal = models.ForeignKey(
        Terminal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="configurations",
        verbose_name=_("terminal"),
    )
    tid = models.CharField(_("terminal ID (TID)"), max_length=8, validators=[validate_tid])
    mid = models.CharField(_("merchant ID (MID)"), max_length=15, validators=[validate_merchant_id])
    host = models.CharField(_("acquirer host address"), max_length=255)
    port = models.PositiveIntegerField(
        _("acquirer host port"), validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    comm_mode = models.CharField(_("communication mode"), max_length=20, choices=CommMode.choices)
    key_check_value = models.CharField(_("key check value (KCV)"), max_length=6, validators=[validate_kcv])
    configured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("configured by")
    )
    configured_at = models.DateTimeField(_("configured at"), default=timezone.now)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("terminal configuration")
        verbose_name_plural = _("terminal configurations")
        ordering = ["-configured_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tid"], condition=models.Q(is_current=True), name="current_tid_unique"),
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(is_current=True), name="one_current_configuration"
            ),
        ]

    def __str__(self) -> str:
        return f"TID {self.tid}"


class SignInSource(models.TextChoices):
    HOST = "host", _("Sign-in against the acquirer host")
    RECORDED = "recorded", _("Recorded by staff")


class SignIn(models.Model):
    """One sign-in attempt of a terminal at the acquirer host, and its response code."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="signins", verbose_name=_("application")
    )
    configuration = models.ForeignKey(
        TerminalConfiguration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signins",
        verbose_name=_("configuration"),
    )
    response_code = models.CharField(_("response code"), max_length=2)
    source = models.CharField(_("source"), max_length=10, choices=SignInSource.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["-at", "-pk"]
        get_latest_by = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.response_code} @ {stamp(self.at)}"


class TerminalEvent(models.Model):
    """One change of a terminal's state: its history, written by every service that moves it."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="events", verbose_name=_("terminal"))
    from_status = models.CharField(_("from"), max_length=20, choices=TerminalStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=TerminalStatus.choices)
    application = models.ForeignKey(
        MerchantApplication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("terminal event")
        verbose_name_plural = _("terminal events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.terminal_id}: {self.from_status or '-'} → {self.to_status}"


# --- What a live terminal reports, and what waits for it ------------------------------------


class DeviceCredential(models.Model):
    """The token a terminal authenticates with. The token itself is shown once, at issue."""

    terminal = models.OneToOneField(Terminal, on_delete=models.CASCADE, related_name="device_credential")
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True)
    token_hint = models.CharField(_("last characters of the token"), max_length=4)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("device credential")
        verbose_name_plural = _("device credentials")

    def __str__(self) -> str:
        return f"{self.terminal.serial_number} …{self.token_hint}"


class EventKind(models.TextChoices):
    HEARTBEAT = "heartbeat", _("Heartbeat")
    SIGNIN = "signin", _("Sign-in")
    TRANSACTION = "transaction", _("Transaction result")


class DeviceEvent(models.Model):
    """One report from a terminal. (terminal, event_id) is unique: a retried report stores once."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="device_events")
    event_id = models.CharField(_("event ID (from the terminal)"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("at (terminal's clock)"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    response_code = models.CharField(_("response code"), max_length=2, blank=True)
    config = models.JSONField(_("configuration reported"), default=dict, blank=True)
    software_version = models.CharField(_("software version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("device report")
        verbose_name_plural = _("device reports")
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["terminal", "event_id"], name="device_event_once")]
        indexes = [
            models.Index(fields=["response_code", "received_at"], name="device_event_code_time"),
            models.Index(fields=["terminal", "kind", "received_at"], name="device_event_terminal_kind"),
            # The terminals' health on the staff dashboard reads the last 14 days of reports.
            models.Index(fields=["received_at"], name="device_event_time"),
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.kind} {self.response_code}"


class TerminalHealth(models.Model):
    """The latest known state of one terminal, updated with each report it sends."""

    terminal = models.OneToOneField(Terminal, on_delete=models.CASCADE, related_name="health")
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    last_signin_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    last_signin_code = models.CharField(_("last sign-in answer"), max_length=2, blank=True)
    last_transaction_at = models.DateTimeField(_("last transaction"), null=True, blank=True)
    last_code = models.CharField(_("last response code shown"), max_length=2, blank=True)
    last_code_at = models.DateTimeField(_("last response code at"), null=True, blank=True)
    reported_config = models.JSONField(_("configuration last reported"), default=dict, blank=True)
    software_version = models.CharField(_("software version"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("terminal health")
        verbose_name_plural = _("terminal health")

    def __str__(self) -> str:
        return str(self.terminal_id)

    @property
    def last_contact_at(self):  # type: ignore[no-untyped-def]
        moments = [m for m in (self.last_heartbeat_at, self.last_signin_at, self.last_code_at) if m]
        return max(moments) if moments else None


class CommandKind(models.TextChoices):
    RESEND_CONFIGURATION = "resend_configuration", _("Re-send the configuration")
    SIGN_IN = "sign_in", _("Ask for a new sign-in")


class RemoteCommand(models.Model):
    """An order for a terminal, handed over in the answer to its next report."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="remote_commands")
    # Why it was sent, named as the link registry names subjects (kind + id, e.g. a support
    # case): terminals sits below the contexts that order commands and holds no key to them.
    about_kind = models.CharField(_("about (kind)"), max_length=20, blank=True)
    about_id = models.PositiveIntegerField(_("about (id)"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=CommandKind.choices)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remote command")
        verbose_name_plural = _("remote commands")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.kind}"


# --- What the acquirer host must learn, due rows processed by a job --------------------------


class RegistrationAction(models.TextChoices):
    REGISTER = "register", _("Register at the host")
    DEREGISTER = "deregister", _("Deregister at the host")


class HostRegistration(models.Model):
    """A terminal's registration (or deregistration) at the acquirer host, waiting to be sent.

    No web request talks to the host's management API: a service writes this row, a job sends
    it when due and, when the host does not answer or refuses, tries again later (backoff).
    """

    terminal = models.ForeignKey(
        Terminal, on_delete=models.CASCADE, related_name="host_registrations", verbose_name=_("terminal")
    )
    action = models.CharField(_("action"), max_length=12, choices=RegistrationAction.choices)
    tid = models.CharField(_("terminal ID (TID)"), max_length=8)
    mid = models.CharField(_("merchant ID (MID)"), max_length=15, blank=True)
    kcv = models.CharField(_("key check value (KCV)"), max_length=6, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("host registration")
        verbose_name_plural = _("host registrations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["done_at", "due_at"], name="host_registration_due")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.tid}"

    @property
    def failing(self) -> bool:
        return self.done_at is None and self.attempts >= 3
