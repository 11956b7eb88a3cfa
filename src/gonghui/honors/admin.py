"""Django admin of the catalogue: award types and the composition rules per cycle (data, not
code). The officers' work is done in the pages."""

from django.contrib import admin

from gonghui.honors.models import AwardType, CompositionRule


class CompositionRuleInline(admin.TabularInline):
    model = CompositionRule
    extra = 0


@admin.register(AwardType)
class AwardTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "level",
        "recipient_kind",
        "cycle",
        "term_years",
        "publicity_days",
        "requires_membership",
        "active",
    )
    list_filter = ("level", "recipient_kind", "cycle", "active")
    search_fields = ("name", "code")
    inlines = [CompositionRuleInline]


@admin.register(CompositionRule)
class CompositionRuleAdmin(admin.ModelAdmin):
    list_display = (
        "award_type",
        "year",
        "enterprise_min",
        "front_line_min",
        "heads_max",
        "farmers_min",
        "migrant_min",
        "women_min",
    )
    list_filter = ("award_type",)
