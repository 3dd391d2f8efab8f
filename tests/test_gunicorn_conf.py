"""gunicorn.conf.py: the master settles its memory before forking workers."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def test_the_master_freezes_what_it_built_before_the_fork():
    conf = runpy.run_path(str(CONF))
    assert conf["preload_app"] is True  # the hook only helps when the app is built in the master
    built = [{"snapshot": n} for n in range(1000)]  # tracked objects the master made
    try:
        conf["when_ready"](server=None)
        assert gc.get_freeze_count() >= len(built)
    finally:
        gc.unfreeze()
