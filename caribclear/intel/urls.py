from django.urls import path

from . import views

app_name = "intel"

urlpatterns = [
    path("", views.seizure_list, name="seizure_list"),
    path("seizures/new/", views.seizure_new, name="seizure_new"),
    path("seizures/<str:reference>/", views.seizure_detail, name="seizure_detail"),
    path("seizures/<str:reference>/files/<int:pk>/", views.seizure_attachment, name="seizure_attachment"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/new/", views.alert_new, name="alert_new"),
    path("alerts/<str:reference>/", views.alert_detail, name="alert_detail"),
    path("requests/", views.rfi_list, name="rfi_list"),
    path("requests/new/", views.rfi_new, name="rfi_new"),
    path("requests/<str:reference>/", views.rfi_detail, name="rfi_detail"),
    path("handling/<str:record_type>/<str:reference>/", views.record_handling, name="handling"),
    path("changes/", views.change_list, name="changes"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("operations/", views.operation_list, name="operation_list"),
    path("operations/new/", views.operation_new, name="operation_new"),
    path("operations/<slug:code>/", views.operation_detail, name="operation_detail"),
]
