"""Reads of the installations context: free slots, the installers' task list, a visit."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from applications.models import MerchantApplication

from .models import AppointmentStatus, InstallationAppointment, InstallerProfile

VISIT_LENGTH = timedelta(hours=2)
HORIZON_DAYS = 14  # an applicant picks a slot in the next 14 days
APPLICANT_NOTICE = timedelta(hours=24)  # an applicant books, moves or cancels up to 24 h before


@dataclass
class Slot:
    starts_at: datetime
    installer_ids: list[int] = field(default_factory=list)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + VISIT_LENGTH


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), timezone.get_default_timezone())


def installers_serving(address: dict[str, str]) -> QuerySet[InstallerProfile]:
    """Active installers whose area covers the address: its province whole, or its city."""
    return (
        InstallerProfile.objects.filter(is_active=True, user__is_active=True, user__groups__name=Role.INSTALLER)
        .filter(Q(areas__province=address["province"]) & (Q(areas__city="") | Q(areas__city=address["city"])))
        .distinct()
        .select_related("user")
    )


def slot_starts(profile: InstallerProfile, day: date) -> list[datetime]:
    """The visit start times of an installer's working day: back to back from the day's start."""
    if day.weekday() not in profile.working_days:
        return []
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, profile.day_starts), tz)
    end = timezone.make_aware(datetime.combine(day, profile.day_ends), tz)
    starts = []
    while start + VISIT_LENGTH <= end:
        starts.append(start)
        start += VISIT_LENGTH
    return starts


def visits_on_days(installer_ids: Iterable[int], since: datetime, until: datetime) -> list[InstallationAppointment]:
    """The installers' visits on the local days from `since` to `until`, whole days (for the daily limit)."""
    tz = timezone.get_default_timezone()
    first = local_day_start(timezone.localtime(since, tz).date())
    after = local_day_start(timezone.localtime(until, tz).date() + timedelta(days=1))
    return list(
        InstallationAppointment.objects.filter(
            installer_id__in=list(installer_ids),
            status__in=[AppointmentStatus.BOOKED, AppointmentStatus.DONE],
            starts_at__lt=after,
            ends_at__gt=first,
        ).only("installer_id", "starts_at", "ends_at", "status")
    )


def unavailability(profile: InstallerProfile, starts_at: datetime, booked: list[InstallationAppointment]) -> str:
    """Why `profile` cannot take a visit at `starts_at` ("" when it can). `booked` are their visits around then."""
    day = timezone.localtime(starts_at, timezone.get_default_timezone()).date()
    if starts_at not in slot_starts(profile, day):
        return _("%(name)s does not start visits at that time (working days and hours: %(hours)s).") % {
            "name": profile.user,
            "hours": working_hours_display(profile),
        }
    ends_at = starts_at + VISIT_LENGTH
    mine = [v for v in booked if v.installer_id == profile.user_id]
    if any(v.status == AppointmentStatus.BOOKED and v.starts_at < ends_at and v.ends_at > starts_at for v in mine):
        return _("%s already has a visit at that time.") % profile.user
    same_day = [v for v in mine if timezone.localtime(v.starts_at, timezone.get_default_timezone()).date() == day]
    if len(same_day) >= profile.visits_per_day:
        return _("%(name)s already has %(n)d visits that day, the most they take.") % {
            "name": profile.user,
            "n": len(same_day),
        }
    return ""


def working_hours_display(profile: InstallerProfile) -> str:
    days = " ".join(str(WEEKDAYS_ABBR[d]) for d in sorted(profile.working_days))
    return f"{days} {profile.day_starts:%H:%M}–{profile.day_ends:%H:%M}"


def free_slots(
    application: MerchantApplication,
    *,
    earliest: datetime | None = None,
    days: int = HORIZON_DAYS,
    installer: User | None = None,
) -> list[Slot]:
    """The slots an applicant may pick: some installer of their area is free and has room that day.

    Three queries whatever the number of installers and days.
    """
    now = timezone.now()
    earliest = earliest or now + APPLICANT_NOTICE
    until = now + timedelta(days=days)
    profiles = installers_serving(application.installation_address())
    if installer is not None:
        profiles = profiles.filter(user=installer)
    profiles = list(profiles)
    if not profiles:
        return []
    booked = visits_on_days([p.user_id for p in profiles], earliest, until)
    by_start: dict[datetime, Slot] = {}
    today = timezone.localdate(now, timezone.get_default_timezone())
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        for profile in profiles:
            for start in slot_starts(profile, day):
                if not earliest <= start <= until:
                    continue
                if unavailability(profile, start, booked):
                    continue
                by_start.setdefault(start, Slot(start)).installer_ids.append(profile.user_id)
    return [by_start[s] for s in sorted(by_start)]


def workload(installer_ids: list[int]) -> dict[int, int]:
    """Visits booked from today on, per installer: the assignment evens these out."""
    since = local_day_start(timezone.localdate())
    rows = (
        InstallationAppointment.objects.filter(
            installer_id__in=installer_ids, status=AppointmentStatus.BOOKED, starts_at__gte=since
        )
        .values("installer_id")
        .annotate(n=Count("pk"))
    )
    counts = defaultdict(int, {row["installer_id"]: row["n"] for row in rows})
    return {pk: counts[pk] for pk in installer_ids}


def booked_visit(application: MerchantApplication) -> InstallationAppointment | None:
    return (
        InstallationAppointment.objects.filter(application=application, status=AppointmentStatus.BOOKED)
        .select_related("installer")
        .first()
    )


def last_visit(application: MerchantApplication) -> InstallationAppointment | None:
    return (
        InstallationAppointment.objects.filter(application=application)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("installer")
        .order_by("-starts_at")
        .first()
    )


# An installer keeps a done visit (and the merchant's contact on it) this long, for a
# call-back or a forgotten paper roll; after that the merchant's data is no longer theirs to see.
DONE_VISIBLE_FOR = timedelta(days=7)


def done_cutoff() -> datetime:
    return timezone.now() - DONE_VISIBLE_FOR


@dataclass
class TaskList:
    """Rows of (partial template, visit), so that one page can list visits of several kinds."""

    today: list[tuple[str, object]]
    upcoming: list[tuple[str, object]]
    done: list[tuple[str, object]]


TASK_PARTIAL = "installations/_task.html"


def task_list(installer: User, *, done_limit: int = 20) -> TaskList:
    """An installer's own visits: today's (booked or done today), the next ones, the last done. Two queries."""
    tz = timezone.get_default_timezone()
    start_today = local_day_start(timezone.localdate(timezone.now(), tz))
    start_tomorrow = local_day_start(timezone.localdate(timezone.now(), tz) + timedelta(days=1))
    mine = InstallationAppointment.objects.filter(installer=installer).select_related("application")
    current = list(
        mine.filter(
            Q(status=AppointmentStatus.BOOKED)
            | Q(status=AppointmentStatus.DONE, starts_at__gte=start_today, starts_at__lt=start_tomorrow)
        ).order_by("starts_at")
    )
    # A visit checked in is under way: it stays in "today" until it is done, whatever its slot.
    today = [v for v in current if v.starts_at < start_tomorrow or v.checked_in_at]
    upcoming = [v for v in current if v not in today]
    done = list(
        mine.filter(status=AppointmentStatus.DONE, ends_at__gte=done_cutoff()).order_by("-starts_at")[:done_limit]
    )
    return TaskList(
        today=[(TASK_PARTIAL, v) for v in today],
        upcoming=[(TASK_PARTIAL, v) for v in upcoming],
        done=[(TASK_PARTIAL, v) for v in done],
    )
