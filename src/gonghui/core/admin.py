from django.contrib import admin
from django.http import HttpRequest

from gonghui.core import dicts
from gonghui.core.models import AuditEvent, DictEntry


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by services, never edited."""

    list_display = ("created_at", "actor_label", "action", "target_label", "org_path", "ip")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "target_label")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DictEntry)
class DictEntryAdmin(admin.ModelAdmin):
    """Installation admins edit dictionary labels, aliases and order here."""

    list_display = ("dictionary", "code", "label", "aliases", "position", "active")
    list_filter = ("dictionary", "active")
    search_fields = ("code", "label")
    list_editable = ("label", "position", "active")

    def save_model(self, request: HttpRequest, obj: DictEntry, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        dicts.forget()

    def delete_model(self, request: HttpRequest, obj: DictEntry) -> None:
        super().delete_model(request, obj)
        dicts.forget()
