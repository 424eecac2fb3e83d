from django.urls import path

from . import taxii

app_name = "partners"

urlpatterns = [
    path("taxii2/", taxii.discovery, name="discovery"),
    path("taxii2/api/", taxii.api_root, name="api_root"),
    path("taxii2/api/collections/", taxii.collections, name="collections"),
    path("taxii2/api/collections/<str:collection_id>/", taxii.collection, name="collection"),
    path("taxii2/api/collections/<str:collection_id>/objects/", taxii.objects, name="objects"),
    path("taxii2/api/collections/<str:collection_id>/manifest/", taxii.manifest, name="manifest"),
]
