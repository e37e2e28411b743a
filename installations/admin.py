from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import KeepsHistoryAdmin
from accounts.models import User
from accounts.roles import Role
from core.choices import Province

from . import services
from .models import InstallerProfile, TrainingRecord, Visit


class VisitInline(admin.TabularInline):
    model = Visit
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ("purpose", "starts_at", "ends_at", "installer", "status", "created_by", "completed_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class VisitAdmin(KeepsHistoryAdmin, admin.ModelAdmin):
    list_display = ("starts_at", "purpose", "application", "installer", "status")
    list_filter = ("purpose", "status")
    search_fields = ("=application__reference", "installer__email")
    list_select_related = ("application", "installer")
    date_hierarchy = "starts_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in Visit._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # visits are booked through the application's button, which checks the slot


class TrainingRecordAdmin(KeepsHistoryAdmin, admin.ModelAdmin):
    list_display = ("application", "confirmed_by_name", "trainer", "confirmed_at")
    list_select_related = ("application", "trainer")
    readonly_fields = [f.name for f in TrainingRecord._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


class InstallerProfileForm(forms.ModelForm):
    areas_text = forms.CharField(
        label=_("Service area"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: a province code, optionally a city, e.g. “11” (all Beijing) or “44 深圳市”."),
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        coerce=int,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InstallerProfile
        fields = ("user", "is_active", "working_days", "day_starts", "day_ends", "visits_per_day")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(groups__name=Role.INSTALLER)
        if self.instance.pk:
            # A profile belongs to its installer: changing the person would leave the other's behind.
            self.fields["user"].disabled = True
            self.fields["areas_text"].initial = "\n".join(
                f"{a.province} {a.city}".strip() for a in self.instance.areas.all()
            )

    def clean_areas_text(self) -> list[tuple[str, str]]:
        areas = []
        for line in self.cleaned_data["areas_text"].splitlines():
            if not line.strip():
                continue
            province, _sep, city = line.strip().partition(" ")
            if province not in Province.values:
                raise forms.ValidationError(_("“%s” is not a province code (e.g. 11 for Beijing).") % province)
            areas.append((province, city.strip()))
        return areas


class InstallerProfileAdmin(KeepsHistoryAdmin, admin.ModelAdmin):
    form = InstallerProfileForm
    list_display = ("user", "visits_per_day", "day_starts", "day_ends", "is_active")
    list_select_related = ("user",)

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        # Through the service, which checks the hours and writes the areas.
        data = form.cleaned_data
        profile = services.installer_profile_save(
            installer=data["user"],
            by=request.user,
            areas=data["areas_text"],
            working_days=data["working_days"],
            day_starts=data["day_starts"],
            day_ends=data["day_ends"],
            visits_per_day=data["visits_per_day"],
            is_active=data["is_active"],
        )
        obj.pk = profile.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change) -> None:  # type: ignore[no-untyped-def]
        pass  # the service wrote the areas
