from django.urls import path

from . import views

app_name = "passengers"

urlpatterns = [
    path("", views.home, name="home"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("upload/", views.upload, name="upload"),
    path("new/", views.list_type, name="list_type"),
    path("unmasking/", views.unmask_requests, name="unmask_requests"),
    path("unmasking/<int:pk>/", views.unmask_decide, name="unmask_decide"),
    path("retention/", views.retention, name="retention"),
    path("lists/<str:reference>/", views.list_detail, name="list"),
    path("lists/<str:reference>/<int:pk>/", views.traveller_detail, name="traveller"),
]
