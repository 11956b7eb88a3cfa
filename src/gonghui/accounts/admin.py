from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from gonghui.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "account_type", "is_active", "is_superuser")
    list_filter = ("account_type", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("gonghui", {"fields": ("full_name", "account_type", "failed_logins", "locked_until")}),
    )
