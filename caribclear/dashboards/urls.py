from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("threat-assessment/", views.threat_assessment, name="threat_assessment"),
    path("threat-assessment/new/", views.assessment_new, name="assessment_new"),
    path("threat-assessment/<str:reference>/", views.assessment_detail, name="assessment"),
    path("threat-assessment/<str:reference>/action/", views.assessment_action, name="assessment_action"),
    path("threat-assessment/<str:reference>/export/", views.assessment_export, name="assessment_export"),
]
