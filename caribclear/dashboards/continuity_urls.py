from django.urls import path

from . import continuity_views

app_name = "continuity"

urlpatterns = [
    path("", continuity_views.pack_page, name="pack"),
    path("pack.pdf", continuity_views.pack_download, {"fmt": "pdf"}, name="pack_pdf"),
    path("pack.csv", continuity_views.pack_download, {"fmt": "csv"}, name="pack_csv"),
]
