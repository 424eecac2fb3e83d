from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("watchlists/", views.watchlists, name="watchlists"),
    path("watchlists/new/", views.watchlist_create, name="watchlist_create"),
    path("watchlists/<int:pk>/", views.watchlist_detail, name="watchlist"),
    path("watchlists/<int:pk>/settings/", views.watchlist_settings, name="watchlist_settings"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("lookouts/", views.lookouts, name="lookouts"),
    path("lookouts/new/", views.lookout_create, name="lookout_create"),
    path("lookouts/<str:reference>/", views.lookout_detail, name="lookout"),
    path("lookouts/<str:reference>/edit/", views.lookout_edit, name="lookout_edit"),
]
