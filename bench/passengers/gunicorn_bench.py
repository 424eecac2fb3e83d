"""gunicorn settings of bench/passengers/interactive_http.py: the application is loaded once and the
watchlists' engine indexes are built in the parent before the workers fork, so every worker starts with
them in memory (shared, copy-on-write) instead of each building them on its first check. The hooks of the
deployed settings (`gunicorn.conf.py` at the repository's root: each worker freezes what it has loaded
out of the garbage collector's way) are taken as they are, so the bench runs the server as deployed."""

import runpy
from pathlib import Path

_deployed = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
post_worker_init = _deployed["post_worker_init"]
child_exit = _deployed["child_exit"]

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
