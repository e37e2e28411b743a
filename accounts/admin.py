from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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


class AuthenticatorAdmin(admin.ModelAdmin):
    """Staff's second factors: looked at, and deleted when a phone is lost (the person then sets
    up a new one at the next sign-in). Never edited: allauth's own admin offered the secret and
    the type as editable fields, and turning a TOTP into a security key answered 500."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")  # never `data`: it holds the secret
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # set up by the person, with their app, on the account's page

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
