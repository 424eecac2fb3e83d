from django.urls import URLPattern

app_name = "officer"

urlpatterns: list[URLPattern] = []
