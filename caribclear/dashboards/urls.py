from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("threat-assessment/", views.threat_assessment, name="threat_assessment"),
]
