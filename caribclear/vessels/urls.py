from django.urls import path

from . import views

app_name = "vessels"

urlpatterns = [
    path("", views.vessel_list, name="list"),
    path("add/", views.vessel_create, name="vessel_create"),
    path("<int:pk>/", views.vessel_detail, name="vessel_detail"),
    path("<int:pk>/edit/", views.vessel_edit, name="vessel_edit"),
    path("<int:pk>/archive/", views.vessel_archive, name="vessel_archive"),
    path("<int:pk>/weapons/add/", views.weapon_add, name="weapon_add"),
    path("<int:pk>/weapons/<int:weapon_pk>/edit/", views.weapon_edit, name="weapon_edit"),
    path("<int:pk>/weapons/<int:weapon_pk>/remove/", views.weapon_remove, name="weapon_remove"),
    path("people/add/", views.person_create, name="person_create"),
    path("people/upload/", views.people_upload, name="people_upload"),
    path("people/upload/template-<str:category>.csv", views.upload_template, name="upload_template"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/archive/", views.person_archive, name="person_archive"),
    path("people/<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("people/<int:pk>/documents/<int:document_pk>/edit/", views.document_edit, name="document_edit"),
    path(
        "people/<int:pk>/documents/<int:document_pk>/remove/", views.document_remove, name="document_remove"
    ),
]
