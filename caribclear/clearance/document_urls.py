from django.urls import path

from . import document_views

app_name = "documents"

urlpatterns = [
    path("certificates/<str:reference>.pdf", document_views.certificate, name="certificate"),
    path("crew-lists/<str:reference>/", document_views.crew_list, name="crew_list"),
    path("crew-lists/<str:reference>.pdf", document_views.crew_list_pdf_view, name="crew_list_pdf"),
    path("verify/<str:token>/", document_views.verify, name="verify"),
]
