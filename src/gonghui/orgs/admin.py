from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from gonghui.orgs.capabilities import CAPABILITIES, SUPERUSER_ONLY, forget_matrix
from gonghui.orgs.models import CapabilityOverride, Employer, Org, Post


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    """Browse only: the tree changes through the services (paths, audit) on the officer pages."""

    list_display = ("code", "name", "kind", "depth", "status")
    list_filter = ("kind", "status")
    search_fields = ("code", "name")
    readonly_fields = [f.name for f in Org._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "employee_count", "union")
    search_fields = ("name", "uscc")
    readonly_fields = [f.name for f in Employer._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("user", "org", "role", "active")
    list_filter = ("role", "active")
    readonly_fields = [f.name for f in Post._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CapabilityOverride)
class CapabilityOverrideAdmin(admin.ModelAdmin):
    """Installation admins adjust the default capability matrix here."""

    list_display = ("role", "level", "capability", "granted")
    list_filter = ("role", "level", "granted")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "capability":  # a known code; never one only the superuser holds
            choices = [
                (c.code, f"{c.code} {c.label}")
                for c in CAPABILITIES
                if c.code not in SUPERUSER_ONLY
            ]
            return forms.ChoiceField(label=db_field.verbose_name, choices=choices)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        forget_matrix()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        forget_matrix()
