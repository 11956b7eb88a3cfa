from django.contrib import admin

from gonghui.benefits.models import Campaign, Merchant, MerchantStaff, Offer


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "category", "status", "agreement_end"]
    search_fields = ["name", "uscc"]
    exclude = ["contact_phone"]
    readonly_fields = ["status"]


admin.site.register(MerchantStaff)
admin.site.register(Campaign)
admin.site.register(Offer)
