from django.conf import settings
from django.urls import include, path

from caribclear.api import api, register_routers
from caribclear.core import views as core_views

register_routers()

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", core_views.audit_trail, name="audit_trail"),
    path("accounts/", include("caribclear.accounts.urls")),
    path("api/", api.urls),
    path("vessels/", include("caribclear.vessels.urls")),
    path("voyages/", include("caribclear.clearance.urls")),
    path("officer/", include("caribclear.clearance.officer_urls")),
    path("screening/", include("caribclear.screening.urls")),
    path("risk/", include("caribclear.risk.urls")),
    path("", include("caribclear.clearance.document_urls")),
    path("intel/", include("caribclear.intel.urls")),
    path("dashboards/", include("caribclear.dashboards.urls")),
    path("", include("caribclear.training.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
