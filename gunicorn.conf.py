"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app` (see README)."""

import contextlib
import ctypes
import gc
import multiprocessing
import os

# Behind a reverse proxy on the same host; set BIND=0.0.0.0:8000 only without one.
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Answering is CPU work (matching, the learned reading), so one process per core, each
# answering one request at a time: measured with `make bench` (bench/results.md), sync
# workers gave the lowest p99 at 80 % of their rate, where threads made CPU-bound
# handlers wait for each other (and hold SQLite's write lock meanwhile) for the same
# throughput. GUNICORN_THREADS above 1 runs gthread workers with that many threads.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Build the app once before forking: the database is checked and migrated by one process,
# a missing or damaged file stops the server with one sentence, and workers share memory.
preload_app = True
timeout = 30  # Twilio gives up on a webhook after 15 s
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so memory stays bounded.
max_requests = 5000
max_requests_jitter = 500
# The app writes one JSON line per request without personal data; gunicorn's access log
# would add client addresses and raw paths, so it stays off.
accesslog = None
errorlog = "-"
loglevel = "info"
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # worker heartbeats off the disk


def when_ready(server):
    """In the master, after the app is built and before the first fork: settle its memory.

    Building the snapshot and receiving the model from training's child process leave
    freed memory behind; returning it to the system (glibc's malloc_trim)
    and moving every object built so far out of the garbage collector's reach (gc.freeze)
    means the workers share those pages instead of copying them, and a worker's full
    collection no longer walks the snapshot and the model (it paused a worker for about
    half a second under load). bench/http.py measures both (worker PSS, paced p99).
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    gc.freeze()
