"""Officers' pages of the honours app, mounted at /honors/."""

app_name = "honors"
urlpatterns: list = []
