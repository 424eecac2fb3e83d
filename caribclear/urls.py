from django.urls import include, path

from caribclear.api import api, register_routers
from caribclear.core import views as core_views

register_routers()

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("audit/", core_views.audit_trail, name="audit_trail"),
    path("accounts/", include("caribclear.accounts.urls")),
    path("api/", api.urls),
    path("vessels/", include("caribclear.vessels.urls")),
    path("voyages/", include("caribclear.clearance.urls")),
    path("officer/", include("caribclear.clearance.officer_urls")),
    path("screening/", include("caribclear.screening.urls")),
    path("risk/", include("caribclear.risk.urls")),
    path("", include("caribclear.clearance.document_urls")),
    path("cargo/", include("caribclear.cargo.urls")),
    path("officer/cargo/", include("caribclear.cargo.officer_urls")),
    path("officer/continuity/", include("caribclear.dashboards.continuity_urls")),
    path("intel/", include("caribclear.intel.urls")),
    path("dashboards/", include("caribclear.dashboards.urls")),
    path("", include("caribclear.training.urls")),
    path("", include("caribclear.partners.urls")),
    path("passengers/", include("caribclear.passengers.urls")),
    path("valuation/", include("caribclear.valuation.urls")),
]
# Uploaded files (MEDIA_ROOT) are never served by URL, in debug or production: each kind of file is
# served by a view of its app that applies the visibility rules (intel attachments:
# `intel:seizure_attachment`). Do not let a web server serve MEDIA_ROOT either.

# A lost database answers 503 with Retry-After (problem JSON under /api/), anything else the usual 500.
handler500 = "caribclear.core.unavailable.server_error"
