"""The embedded default under the portal's own concurrency, on a file-backed SQLite database.

The portal runs as `make run` runs it (runserver, threaded) in a process of its own, on a
fresh SQLite file; eight threads upload documents and post device reports for 20 seconds
(SQLITE_LOAD_SECONDS changes the time, e.g. for a longer soak). Before WAL and IMMEDIATE
transactions, this answered 500 "database is locked" within seconds and left files behind.
"""

import os

import pytest

from scripts.load import Portal, run_load

THREADS = 8
SECONDS = float(os.environ.get("SQLITE_LOAD_SECONDS", "20"))


@pytest.fixture
def portal(tmp_path):
    portal = Portal(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    portal.manage("migrate", "--noinput")
    plan = portal.call("prepare", terminals=THREADS, drafts=THREADS)
    portal.start()
    try:
        yield portal, plan
    finally:
        portal.stop()


def test_eight_threads_uploading_and_reporting_get_no_error_and_every_upload_is_stored_once(portal):
    web, plan = portal

    results = run_load(web.port, plan, threads=THREADS, seconds=SECONDS)
    web.stop()
    held = web.call("counts")

    assert results.errors == [], results.errors[:5]
    assert {status for _kind, status in results.statuses} == {201, 302}
    assert results.reports_stored > THREADS and results.files_uploaded > THREADS  # the load did run
    assert held["reports"] == results.reports_stored
    # Every upload answered 302 left exactly one history row per file, nothing more.
    assert held["uploads"] == results.files_uploaded
    # One document per kind and draft; the files replaced went with their commit, none is left over.
    assert held["documents"] == len(held["files"])
    assert held["files"] == held["document_files"]
