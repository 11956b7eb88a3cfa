from django.urls import path

from gonghui.orgs.views import imports as import_views
from gonghui.orgs.views import orgs as views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("directory/picker/", views.directory_picker, name="directory_picker"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employers/export/", import_views.export_employers, name="export_employers"),
    path("import/orgs/template/", import_views.import_orgs_template, name="import_orgs_template"),
    path(
        "import/employers/template/",
        import_views.import_employers_template,
        name="import_employers_template",
    ),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.tree_children, name="tree_children"),
    path("<str:code>/roster/", views.roster, name="roster"),
    path("<str:code>/new/", views.create_child, name="create_child"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/move/", views.move, name="move"),
    path("<str:code>/merge/", views.merge, name="merge"),
    path("<str:code>/dissolve/", views.dissolve, name="dissolve"),
    path("<str:code>/employers/new/", views.employer_create, name="employer_create"),
    path("<str:code>/import/orgs/", import_views.import_orgs, name="import_orgs"),
    path("<str:code>/import/employers/", import_views.import_employers, name="import_employers"),
    path("<str:code>/export/", import_views.export_orgs, name="export_orgs"),
]
