"""The registered Django admin of every model: each app defines its ModelAdmins and inlines,
the back office puts them on the site, and composes the application's page from the
contexts that show on it (documents and review, the visit, the terminal, the history)."""

from django.contrib import admin

from accounts.admin import UserAdmin
from accounts.models import User
from applications.admin import (
    AuditEventAdmin,
    ConsentInline,
    DocumentInline,
    HistoryInline,
    MerchantApplicationAdminBase,
    NoteInline,
)
from applications.models import AuditEvent, MerchantApplication
from installations.admin import (
    AppointmentInline,
    InstallationAppointmentAdmin,
    InstallerProfileAdmin,
    TrainingRecordAdmin,
)
from installations.models import InstallationAppointment, InstallerProfile, TrainingRecord
from notifications.admin import NotificationAdmin
from notifications.models import Notification
from support.admin import (
    EarlyWarningAdmin,
    IncidentAdmin,
    ServiceVisitAdmin,
    SupportCaseAdmin,
)
from support.models import (
    EarlyWarning,
    Incident,
    ServiceVisit,
    SupportCase,
)
from terminals.admin import (
    ConfigurationInline,
    DeviceCredentialAdmin,
    DeviceEventAdmin,
    RemoteCommandAdmin,
    SignInAdmin,
    SignInInline,
    TerminalAdmin,
    TerminalHealthAdmin,
)
from terminals.models import DeviceCredential, DeviceEvent, RemoteCommand, SignIn, Terminal, TerminalHealth
from verification.admin import AssessmentAdmin, EvidenceAdmin, RiskPolicyAdmin
from verification.models import Assessment, Evidence, RiskPolicy


class MerchantApplicationAdmin(MerchantApplicationAdminBase):
    # In the order of the application's life; the workflow history last.
    inlines = [
        DocumentInline,
        ConsentInline,
        NoteInline,
        AppointmentInline,
        ConfigurationInline,
        SignInInline,
        HistoryInline,
    ]


REGISTERED: list[tuple[type, type[admin.ModelAdmin]]] = [
    (User, UserAdmin),
    (Notification, NotificationAdmin),
    (MerchantApplication, MerchantApplicationAdmin),
    (AuditEvent, AuditEventAdmin),
    (Terminal, TerminalAdmin),
    (SignIn, SignInAdmin),
    (InstallationAppointment, InstallationAppointmentAdmin),
    (TrainingRecord, TrainingRecordAdmin),
    (InstallerProfile, InstallerProfileAdmin),
    (DeviceCredential, DeviceCredentialAdmin),
    (DeviceEvent, DeviceEventAdmin),
    (TerminalHealth, TerminalHealthAdmin),
    (Incident, IncidentAdmin),
    (EarlyWarning, EarlyWarningAdmin),
    (SupportCase, SupportCaseAdmin),
    (RemoteCommand, RemoteCommandAdmin),
    (ServiceVisit, ServiceVisitAdmin),
    (RiskPolicy, RiskPolicyAdmin),
    (Evidence, EvidenceAdmin),
    (Assessment, AssessmentAdmin),
]

for model, model_admin in REGISTERED:
    admin.site.register(model, model_admin)
