from django.contrib import admin
from django.urls import include, path

from gonghui.api import api

urlpatterns = [
    # First: the token API's calls (the counter, the search) are resolved without walking the
    # pages' patterns; no page pattern starts with api/ (tests.core.test_fixed_cost).
    path("api/", api.urls),
    path("", include("gonghui.core.urls")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/corrections/", include("gonghui.members.views.corrections_urls")),
    path("members/", include("gonghui.members.urls")),
    path("assistance/", include("gonghui.assistance.urls")),
    path("democracy/", include("gonghui.democracy.urls")),
    path("voice/", include("gonghui.voice.urls")),
    path("governance/", include("gonghui.governance.urls")),
    path("benefits/", include("gonghui.benefits.urls")),
    path("stats/", include("gonghui.stats.urls")),
    path("honors/", include("gonghui.honors.urls")),
    path("m/assistance/", include("gonghui.assistance.phone.urls")),
    path("m/democracy/", include("gonghui.democracy.phone.urls")),
    path("m/voice/", include("gonghui.voice.phone.urls")),
    path("m/governance/", include("gonghui.governance.phone.urls")),
    path("m/benefits/", include("gonghui.benefits.phone.urls")),
    path("m/honors/", include("gonghui.honors.phone.urls")),
    path("m/", include("gonghui.members.phone.urls")),
    path("shop/", include("gonghui.benefits.shop.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
