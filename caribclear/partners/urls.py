from django.urls import path

from . import taxii, views

app_name = "partners"

urlpatterns = [
    path("partners/cen/", views.cen_page, name="cen"),
    path("partners/cen.csv", views.cen_file, name="cen_file"),
    path("partners/cen/<str:reference>/<str:action>/", views.cen_mark, name="cen_mark"),
    path("partners/agencies/", views.agencies, name="agencies"),
    path("partners/agencies/<str:code>/", views.agency, name="agency"),
    path("partners/received/", views.received, name="received"),
    path("partners/subscriptions/", views.subscriptions, name="subscriptions"),
    path("partners/subscriptions/<int:pk>/", views.subscription, name="subscription"),
    path("taxii2/", taxii.discovery, name="discovery"),
    path("taxii2/api/", taxii.api_root, name="api_root"),
    path("taxii2/api/collections/", taxii.collections, name="collections"),
    path("taxii2/api/collections/<str:collection_id>/", taxii.collection, name="collection"),
    path("taxii2/api/collections/<str:collection_id>/objects/", taxii.objects, name="objects"),
    path("taxii2/api/collections/<str:collection_id>/manifest/", taxii.manifest, name="manifest"),
    path(
        "taxii2/api/collections/<str:collection_id>/objects/<str:object_id>/",
        taxii.object_detail,
        name="object",
    ),
    path(
        "taxii2/api/collections/<str:collection_id>/objects/<str:object_id>/versions/",
        taxii.object_versions,
        name="versions",
    ),
]
