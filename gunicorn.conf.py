"""gunicorn reads this file from the folder it starts in (`gunicorn caribclear.wsgi`).

With several workers, /metrics adds up every worker's counts through prometheus_client's multiprocess
mode: set PROMETHEUS_MULTIPROC_DIR to an empty folder writable by the server (emptied before each start,
e.g. systemd's RuntimeDirectory=); this hook drops a stopped worker's live figures from it.
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
