"""The outbox's two hot reads are served by indexes on PostgreSQL: the re-dispatch's selection
of due pending rows, and the admin's newest-first list. With sequential scans turned off, the
plan names the index, or the query's shape no longer matches it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import notify, redispatch_pending
from tests.conftest import needs_postgres

pytestmark = needs_postgres()


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def captured(queries: CaptureQueriesContext, *, starting: str, containing: str) -> str:
    matches = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(starting) and containing in q["sql"]]
    assert matches, [q["sql"] for q in queries.captured_queries]
    return matches[0]


@pytest.fixture
def outbox(applicant) -> None:
    for n in range(60):  # 120 rows: more than one admin page, so the page query has a LIMIT
        notify(recipient=applicant, template="application.submitted", context={"reference": f"PA-IDX{n}"})


def test_the_re_dispatch_selects_due_pending_rows_through_the_partial_index(outbox):
    with CaptureQueriesContext(connection) as queries:
        redispatch_pending(older_than=timedelta(0), limit=5)
    sql = captured(queries, starting="SELECT", containing="FOR UPDATE SKIP LOCKED")
    assert "notif_pending_due" in plan_of(sql)


def test_the_admin_lists_the_newest_rows_through_the_created_at_index(outbox, admin_client):
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get("/admin/notifications/notification/").status_code == 200
    sql = captured(queries, starting="SELECT", containing='"notifications_notification"."id" DESC LIMIT')
    plan = plan_of(sql)
    assert "notif_created" in plan, (sql, plan)
    assert Notification.objects.count() == 120
