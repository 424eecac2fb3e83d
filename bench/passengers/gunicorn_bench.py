"""gunicorn settings of bench/passengers/interactive_http.py: the application is loaded once and the
watchlists' engine indexes are built in the parent before the workers fork, so every worker starts with
them in memory (shared, copy-on-write) instead of each building them on its first check."""

preload_app = True
worker_class = "gthread"
timeout = 120


def when_ready(server):
    from django.db import connections

    from caribclear.screening.models import Watchlist
    from caribclear.screening.services.indexes import _version_index

    for watchlist in Watchlist.objects.exclude(current_version=None):
        _version_index(watchlist)
    connections.close_all()  # no database connection is shared with the forked workers
