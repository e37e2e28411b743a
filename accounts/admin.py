from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.time import local_when

from .validators import normalize_cn_mobile


class UserAdminForm(UserChangeForm):
    def clean_mobile(self) -> str:
        # As the person's own form stores it: "+86" and ASCII digits. The model's check alone let
        # full-width digits and spaces through, stored as typed: their blind index matched no
        # search and no duplicate check.
        value = self.cleaned_data.get("mobile", "")
        return normalize_cn_mobile(value) if value else ""


class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("mobile", "preferred_language")}),
    )
    list_display = ("email", "username", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "username", "first_name", "last_name")


class AuthenticatorTypeFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "type"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(Authenticator.Type.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(type=self.value()) if self.value() in Authenticator.Type.values else queryset


class AuthenticatorAdmin(admin.ModelAdmin):
    """Staff's second factors: looked at, and deleted when a phone is lost (the person then sets
    up a new one at the next sign-in). Never edited: allauth's own admin offered the secret and
    the type as editable fields, and turning a TOTP into a security key answered 500."""

    # allauth's fields have no translatable names: the columns and the filter are named here.
    list_display = ("user", "kind", "created", "last_used")
    list_filter = (AuthenticatorTypeFilter,)
    list_select_related = ("user",)
    fields = ("user", "kind", "created", "last_used")  # never `data`: it holds the secret
    readonly_fields = fields

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, obj: Authenticator) -> str:
        return obj.get_type_display()

    @admin.display(description=_("set up at"), ordering="created_at")
    def created(self, obj: Authenticator) -> str:
        return local_when(obj.created_at)

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, obj: Authenticator) -> str:
        return local_when(obj.last_used_at)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # set up by the person, with their app, on the account's page

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
