from django.urls import path

from . import views

app_name = "cargo"

urlpatterns = [
    path("", views.home, name="home"),
    path("users/", views.users, name="users"),
    path("webhook/", views.webhook, name="webhook"),
    path("new/", views.new, name="new"),
    path("template.csv", views.template, {"fmt": "csv"}, name="template_csv"),
    path("template.xlsx", views.template, {"fmt": "xlsx"}, name="template_xlsx"),
    path("manifests/<str:mrn>/", views.manifest, name="manifest"),
    path("manifests/<str:mrn>/cusres.edi", views.cusres, name="cusres"),
    path("manifests/<str:mrn>/invalidate", views.invalidate, name="invalidate"),
    path("referrals/<int:pk>/answer", views.answer, name="answer"),
]
