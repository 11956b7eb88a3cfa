"""Members' phone pages under /m/honors/."""

app_name = "honors_m"
urlpatterns: list = []
