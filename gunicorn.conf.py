"""gunicorn settings for Meetup: `gunicorn wsgi:app` picks this file up from the
working directory (or pass `-c gunicorn.conf.py`). Override any of them on the
command line or with GUNICORN_CMD_ARGS."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
# Load the app once in the master, so workers share its memory pages.
preload_app = True
timeout = 30
graceful_timeout = 30
keepalive = 5
# Restart workers now and then, so slow leaks never grow into outages.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25+ opens a control socket in the home folder, one path for every
# instance on the host; it is not used here, and two instances would collide.
control_socket_disable = True


def post_fork(server, worker):
    """Move what the app loaded out of the cyclic collector's sight.

    The collector scanning the app's long-lived objects caused 20-35 ms p99
    spikes; frozen, they are never scanned, and a higher threshold makes the
    collections that remain rare (see bench/README.md).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
