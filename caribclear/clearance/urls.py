"""The operator's pages, mounted at /voyages/."""

from django.urls import path

from . import views

app_name = "clearance"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.notification_new, name="notification_new"),
    path("new/from-last-voyage/", views.start_from_last_voyage, name="start_from_last_voyage"),
    path("unfinished/<int:pk>/discard/", views.unfinished_discard, name="unfinished_discard"),
    path("<str:reference>/", views.notification_detail, name="notification_detail"),
    path("<str:reference>/change/", views.notification_change, name="notification_change"),
    path("<str:reference>/submit/", views.notification_submit, name="notification_submit"),
    path("<str:reference>/cancel/", views.notification_cancel, name="notification_cancel"),
]
