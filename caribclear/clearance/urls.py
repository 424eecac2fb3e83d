from django.urls import URLPattern

app_name = "clearance"

urlpatterns: list[URLPattern] = []
