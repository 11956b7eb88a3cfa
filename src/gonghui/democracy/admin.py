"""Admins edit the national default rule set (the row without an org); orgs set their own rows
on the rule page."""

from typing import Any

from django.contrib import admin

from gonghui.democracy.models import CompositionRule


@admin.register(CompositionRule)
class CompositionRuleAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "min_delegates",
        "min_staff_pct",
        "frontline_min_pct",
        "managers_max_pct",
        "min_cosigners",
        "reply_working_days",
    )
    raw_id_fields = ("org",)
    readonly_fields = ("org_path",)

    def save_model(self, request: Any, obj: CompositionRule, form: Any, change: bool) -> None:
        obj.org_path = obj.org.path if obj.org else ""
        super().save_model(request, obj, form, change)
