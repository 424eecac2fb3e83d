from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path(".well-known/did.json", views.did_json, name="did"),
    path("training/", views.home, name="home"),
    path("training/catalogue/", views.catalogue, name="catalogue"),
    path("training/catalogue/courses/new/", views.course_new, name="course_new"),
    path("training/catalogue/programmes/new/", views.programme_new, name="programme_new"),
    path("training/intakes/new/", views.intake_new, name="intake_new"),
    path("training/intakes/<str:code>/", views.intake_detail, name="intake"),
    path("training/intakes/<str:code>/status/", views.intake_status, name="intake_status"),
    path("training/intakes/<str:code>/tutors/", views.intake_tutors, name="intake_tutors"),
    path("training/tutors/", views.tutors, name="tutors"),
    path("training/intakes/<str:code>/nominate/", views.nominate, name="nominate"),
    path("training/intakes/<str:code>/results/", views.results, name="results"),
    path("training/intakes/<str:code>/import/", views.results_import, name="import"),
    path("training/enrolments/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("training/enrolments/<int:pk>/<str:action>/", views.enrolment_action, name="enrolment_action"),
    path("training/record/", views.record, name="record"),
    path("training/record.csv", views.record_csv, name="record_csv"),
    path("training/officials/", views.officials, name="officials"),
    path("training/officials/<int:official_id>/", views.record, name="record_of"),
    path("training/officials/<int:official_id>.csv", views.record_csv, name="record_of_csv"),
    path("training/figures/", views.figures, name="figures"),
    path("training/credentials/status/revocation", views.status_list, name="status_list"),
    path("training/credentials/<str:token>.pdf", views.credential_pdf, name="credential_pdf"),
    path("training/credentials/<str:token>.jwt", views.credential_badge, name="credential_badge"),
    path("training/credentials/<str:token>/revoke/", views.credential_revoke, name="credential_revoke"),
    path("training/verify/<str:token>/", views.verify, name="verify"),
]
