from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from applications.admin import MerchantApplicationAdminBase
from applications.admin_transitions import APPLICATION_ACTIONS, AdminAction, MessageForm
from applications.models import MerchantApplication
from terminals.admin import ConfigurationInline, SignInInline
from terminals.services import signin_record

from . import services
from .models import TRAINING_TOPICS, InstallationAppointment, TrainingRecord


class VisitForm(forms.Form):
    installer = forms.ModelChoiceField(
        label=_("Installer"), queryset=User.objects.filter(groups__name=Role.INSTALLER, is_active=True)
    )
    starts_at = forms.DateTimeField(
        label=_("Visit starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class SignInForm(forms.Form):
    response_code = forms.CharField(label=_("Response code the host answered"), max_length=2, initial="00")
    detail = forms.CharField(label=_("Detail"), required=False, max_length=200)


class TrainingForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics covered"), choices=TRAINING_TOPICS, widget=forms.CheckboxSelectMultiple
    )
    confirmed_by_name = forms.CharField(label=_("Merchant's name, typed by the merchant"), max_length=100)


INSTALLATION_ACTIONS = [
    AdminAction(
        "schedule_installation", _("Book the installation visit"),
        lambda r, app, d: services.installation_schedule(
            application=app, by=r.user, installer=d["installer"], starts_at=d["starts_at"]
        ),
        VisitForm, transition="schedule_installation",
    ),
    AdminAction(
        "reschedule", _("Move the visit"),
        lambda r, app, d: services.installation_reschedule(
            application=app, by=r.user, installer=d["installer"], starts_at=d["starts_at"]
        ),
        VisitForm, transition="reschedule",
    ),
    AdminAction(
        "cancel_installation", _("Cancel the visit"),
        lambda r, app, d: services.installation_cancel(application=app, by=r.user, message=d["message"]),
        MessageForm, transition="cancel_installation", danger=True,
    ),
    AdminAction(
        "start_installation", _("Check in (start installation)"),
        lambda r, app, d: services.installation_start(application=app, by=r.user),
        transition="start_installation",
    ),
    AdminAction(
        "record_signin", _("Record a sign-in result"),
        lambda r, app, d: signin_record(
            application=app, by=r.user, response_code=d["response_code"], detail=d["detail"]
        ),
        SignInForm, transition="complete_configuration",
    ),
    AdminAction(
        "complete_configuration", _("Complete the configuration"),
        lambda r, app, d: services.installation_complete_configuration(application=app, by=r.user),
        transition="complete_configuration",
    ),
    AdminAction(
        "complete_training", _("Complete the training"),
        lambda r, app, d: services.installation_complete_training(
            application=app, by=r.user, topics=d["topics"], confirmed_by_name=d["confirmed_by_name"]
        ),
        TrainingForm, transition="complete_training",
    ),
]  # fmt: skip


class AppointmentInline(admin.TabularInline):
    model = InstallationAppointment
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ("starts_at", "ends_at", "installer", "status", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(MerchantApplication)
class MerchantApplicationAdmin(MerchantApplicationAdminBase):
    actions_for_application = APPLICATION_ACTIONS + INSTALLATION_ACTIONS
    inlines = [
        *MerchantApplicationAdminBase.inlines[:-1],
        AppointmentInline,
        ConfigurationInline,
        SignInInline,
        MerchantApplicationAdminBase.inlines[-1],
    ]


@admin.register(InstallationAppointment)
class InstallationAppointmentAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "application", "installer", "status")
    list_filter = ("status",)
    search_fields = ("=application__reference", "installer__email")
    list_select_related = ("application", "installer")
    date_hierarchy = "starts_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in InstallationAppointment._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # visits are booked through the application's button, which checks the slot


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("application", "confirmed_by_name", "trainer", "confirmed_at")
    list_select_related = ("application", "trainer")
    readonly_fields = [f.name for f in TrainingRecord._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
