"""Fixtures of the installation visit: a fixed clock, installers with areas and hours,
terminals in stock, and the acquirer host simulator on free ports."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications.choices import Status
from core.choices import Province
from installations import services as install_services
from installations.models import Visit, VisitPurpose, VisitStatus
from terminals import services as terminal_services

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday, 08:00 in Shanghai: tomorrow (Tuesday) is the first day an applicant can book.
MONDAY_8AM = datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in December 2026, Shanghai (7 = Monday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_8AM, tick=False) as traveller:
        yield traveller


def give_profile(installer, by, *, areas=((Province.BEIJING, ""),), days=(0, 1, 2, 3, 4), start=9, end=17, per_day=3):
    return install_services.installer_profile_save(
        installer=installer,
        by=by,
        areas=list(areas),
        working_days=list(days),
        day_starts=time(start),
        day_ends=time(end),
        visits_per_day=per_day,
    )


@pytest.fixture
def beijing_installer(installer, admin_user):
    """The `installer`, covering all Beijing, Mon-Fri 9:00-17:00 (slots 9, 11, 13, 15), 3 visits a day."""
    give_profile(installer, admin_user)
    return installer


@pytest.fixture
def approved(clock, application_in, beijing_installer):
    return application_in(Status.APPROVED)


def at_visit_time(clock, app) -> None:
    """The test's clock moved on to the start of the application's booked installation visit:
    check-in opens only near the visit's time (VISIT_CHECK_IN_EARLY_MINUTES)."""
    visit = Visit.objects.get(application=app, purpose=VisitPurpose.INSTALLATION, status=VisitStatus.BOOKED)
    clock.move_to(visit.starts_at)


@pytest.fixture
def on_site(clock, application_in, beijing_installer):
    """An application whose installer has just checked in (configuring), with no terminal yet."""
    app = application_in(Status.INSTALLATION_SCHEDULED)
    at_visit_time(clock, app)
    return install_services.installation_start(application=app, by=beijing_installer)


def stock(by, *rows: tuple[str, str, str]):
    data = "serial_number,model,key_check_value\n" + "".join(f"{s},{m},{k}\n" for s, m, k in rows)
    return terminal_services.terminal_import_csv(data=data.encode(), by=by)


@pytest.fixture
def acquirer(settings):
    """The acquirer host simulator on free ports; the portal's settings point at it."""
    from acquirer_sim.testing import run_simulator

    with run_simulator() as sim:
        settings.ACQUIRER_HOST = sim.host
        settings.ACQUIRER_PORT = sim.iso_port
        settings.ACQUIRER_ADMIN_URL = sim.admin_url
        yield sim
