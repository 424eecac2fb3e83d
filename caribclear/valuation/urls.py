from django.urls import path

from . import views

app_name = "valuation"

urlpatterns = [
    path("", views.home, name="home"),
    path("load/", views.load, name="load"),
    path("template.csv", views.template_csv, name="template"),
    path("comtrade/", views.mirror, name="mirror"),
    path("check/", views.check, name="check"),
    path("flags/", views.flags, name="flags"),
    path("lines/<int:pk>/", views.line, name="line"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/documents/<int:document_pk>/", views.case_document, name="case_document"),
    path("answer/<str:token>/", views.answer, name="answer"),
]
