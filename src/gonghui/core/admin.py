from django.contrib import admin
from django.http import HttpRequest

from gonghui.core.models import AuditEvent


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
