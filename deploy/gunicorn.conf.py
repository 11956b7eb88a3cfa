"""gunicorn for gonghui (``gunicorn -c deploy/gunicorn.conf.py gonghui.wsgi:application``).

Workers: two per core plus one (sync workers: a request waits on PostgreSQL most of its time).
Graceful reload: ``systemctl reload gonghui-web`` sends HUP; new workers start on the new code
and the old ones finish their requests (``graceful_timeout``).
"""

import multiprocessing
import os

bind = os.environ.get("GONGHUI_BIND", "unix:/run/gonghui/gunicorn.sock")
workers = int(os.environ.get("GONGHUI_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60  # an import or export runs in the task worker, never in a request
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections alive
max_requests = 5000  # recycle workers now and then (memory held by long-lived processes)
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("GONGHUI_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app writes one JSON line per request (core.observability)
errorlog = "-"
loglevel = "warning"
preload_app = False  # each worker opens its own database connections


def child_exit(server, worker):  # type: ignore[no-untyped-def]  # gunicorn's hook
    """Prometheus' multiprocess mode: forget the counters of a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
