from django.contrib import admin

from gonghui.voice.models import AppealCategory


@admin.register(AppealCategory)
class AppealCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "accept_days", "reply_days", "escalate_days", "active")
