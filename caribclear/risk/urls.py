from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/new/", views.criterion_create, name="criterion_create"),
    path("criteria/<int:pk>/", views.criterion_detail, name="criterion"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/test/", views.criterion_test, name="criterion_test"),
    path("hit-rules/", views.hit_rules, name="hit_rules"),
    path("hit-rules/<int:pk>/", views.hit_rule_edit, name="hit_rule_edit"),
    path("random-selection/", views.random_selection, name="random_selection"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # A declaration's risk panel, by its kind's slug: /risk/notifications/<reference>/ for yacht notifications.
    path("<slug:kind>/<str:reference>/", views.declaration, name="declaration"),
]
