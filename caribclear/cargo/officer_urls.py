from django.urls import path

from . import officer_views as views

app_name = "cargo_officer"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("manifests/", views.manifests, name="manifests"),
    path("manifests/<str:mrn>/", views.manifest, name="manifest"),
    path("manifests/<str:mrn>/awmds.xml", views.awmds, name="awmds"),
    path("manifests/<str:mrn>/arrive", views.arrive, name="arrive"),
    path("consignments/<str:mrn>/", views.consignment, name="consignment"),
]
