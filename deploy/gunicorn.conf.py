"""gunicorn settings for Kaohe behind a reverse proxy.

Every value can be overridden from the environment so that one file serves the
load benchmark, a small site and a large one.
"""

import multiprocessing
import os

bind = os.environ.get("KAOHE_BIND", "127.0.0.1:8000")
# Sync workers: Kaohe's views are short and database-bound; two per core plus one
# keeps both cores busy while one worker waits on PostgreSQL.
workers = int(os.environ.get("KAOHE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("KAOHE_THREADS", "1"))
timeout = int(os.environ.get("KAOHE_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a library cannot grow without bound.
max_requests = int(os.environ.get("KAOHE_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("KAOHE_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("KAOHE_LOG_LEVEL", "info")
# The proxy on the same host sets X-Forwarded-*; trust it only from loopback.
forwarded_allow_ips = os.environ.get("KAOHE_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "kaohe.web.wsgi:application"
