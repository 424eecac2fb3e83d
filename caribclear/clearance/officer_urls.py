from django.urls import path

from . import officer_views

app_name = "officer"

urlpatterns = [
    path("", officer_views.queue, name="queue"),
    path("notifications/<str:reference>/", officer_views.notification_detail, name="notification_detail"),
]
