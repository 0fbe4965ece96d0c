"""gunicorn settings for Kaohe behind a reverse proxy.

Every value can be overridden from the environment so that one file serves the
load benchmark, a small site and a large one.

Worker model (KAOHE_WORKER_CLASS, KAOHE_WORKERS, KAOHE_THREADS), chosen by measurement
with bench/load_bench.py on the 2-core machine (2026-11-23, 50 users, 10,000 employees,
70 s runs on the same database, docs/benchmarks.md "Web load"):

    5 sync workers            page views p50 48 ms, p95 115 ms, p99 147 ms; 88 requests/s; gunicorn 0.89 cores
    3 gthread workers × 8     page views p50 43 ms, p95 123 ms, p99 211 ms; 89 requests/s; gunicorn 0.82 cores

Both meet p95 ≤ 300 ms with the same throughput; the difference is within the run-to-run noise
of a shared machine except the tail, where sync was better. Sync stays the default: simpler, one
request per process (no thread-safety questions in libraries), and a slow request (a bulk push)
holds one worker, not a share of a GIL other requests need. gthread remains an option
(KAOHE_WORKER_CLASS=gthread) for sites where many slow clients connect without a buffering proxy.
"""

import multiprocessing
import os

bind = os.environ.get("KAOHE_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("KAOHE_WORKER_CLASS", "sync")
# Sync workers: Kaohe's views are short (10–30 ms, a fixed handful of queries each); two per
# core plus one keeps both cores busy while a worker waits on PostgreSQL or on a bulk push.
workers = int(os.environ.get("KAOHE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("KAOHE_THREADS", "1"))
timeout = int(os.environ.get("KAOHE_TIMEOUT", "60"))
graceful_timeout = 30
# Only gthread workers keep a connection open between requests (sync workers close it);
# behind nginx the proxy holds the client connections anyway.
keepalive = 5
# Recycle workers now and then so a slow leak in a library cannot grow without bound.
max_requests = int(os.environ.get("KAOHE_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load Django once in the master and fork the workers from it: a new or recycled worker
# then starts warm instead of spending a second of CPU importing Django, pandas (the record
# importer) and the translations on its first requests. Nothing opens a database connection
# at import time, and `when_ready` closes any before forking.
preload_app = os.environ.get("KAOHE_PRELOAD", "true").lower() in ("1", "true", "yes")
accesslog = os.environ.get("KAOHE_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("KAOHE_LOG_LEVEL", "info")
# The proxy on the same host sets X-Forwarded-*; trust it only from loopback.
forwarded_allow_ips = os.environ.get("KAOHE_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "kaohe.web.wsgi:application"


def when_ready(server):  # type: ignore[no-untyped-def]
    """In the master, after the preloaded app and before the first fork: import what the
    first requests would otherwise import in every worker."""
    if not preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    import kaohe.metrics.ingest  # noqa: F401  (pandas and the importers, used by the record push API)

    for code in ("zh-hans", "en"):
        with translation.override(code):
            translation.gettext("My team")
    connections.close_all()  # a connection must never be shared by forked workers
