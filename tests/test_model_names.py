"""A model's name (the admin's lists, selects, delete pages and messages) gives its moment in the
portal's time zone, as every page does, not in UTC: 16:30 UTC is 00:30 the next day in Beijing."""

from datetime import UTC, datetime

import pytest

from applications.models import AuditEvent, FigureSnapshot, SubmittedVersion
from support.models import Incident

LATE_UTC = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
BEIJING = "2026-12-02 00:30"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [
        lambda app: Incident(opened_at=LATE_UTC, codes=["97"]),
        lambda app: AuditEvent(application=app, action="export", at=LATE_UTC),
        lambda app: SubmittedVersion(application=app, submitted_at=LATE_UTC),
        lambda app: FigureSnapshot(key="figures", computed_at=LATE_UTC),
    ],
    ids=["incident", "audit event", "submitted version", "figure snapshot"],
)
def test_a_model_names_its_moment_in_the_portal_s_time_zone(make, application_in, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    name = str(make(application_in("submitted")))
    assert BEIJING in name
    assert "16:30" not in name
