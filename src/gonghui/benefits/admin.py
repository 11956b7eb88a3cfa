from django.contrib import admin

from gonghui.benefits.caching import ForgetOnSave
from gonghui.benefits.models import Campaign, Merchant, MerchantStaff, Offer


@admin.register(Merchant)
class MerchantAdmin(ForgetOnSave, admin.ModelAdmin):
    list_display = ["name", "uscc", "category", "status", "agreement_end"]
    search_fields = ["name", "uscc"]
    exclude = ["contact_phone"]
    readonly_fields = ["status"]


# What the counter caches (benefits.caching) is reloaded after a change saved here too.
class _CounterRules(ForgetOnSave, admin.ModelAdmin):
    pass


admin.site.register(MerchantStaff, _CounterRules)
admin.site.register(Campaign, _CounterRules)
admin.site.register(Offer, _CounterRules)
