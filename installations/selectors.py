"""Reads of the installations context: free slots of the one calendar, an installer's visits, a visit."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from applications.models import MerchantApplication
from terminals.models import SignIn

from .models import InstallerProfile, Visit, VisitPurpose, VisitStatus

VISIT_LENGTH = timedelta(hours=2)
HORIZON_DAYS = 14  # an applicant picks a slot in the next 14 days
APPLICANT_NOTICE = timedelta(hours=24)  # an applicant books, moves or cancels up to 24 h before


@dataclass
class Slot:
    starts_at: datetime
    installer_ids: list[int] = field(default_factory=list)
    # Inside one of the merchant's preferred time windows: offered first.
    preferred: bool = False

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + VISIT_LENGTH


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), timezone.get_default_timezone())


# The merchant's preferred time windows (applications.choices.TimeWindow): days and hours.
WINDOWS: dict[str, tuple[tuple[int, ...], time, time]] = {
    "weekday_morning": ((0, 1, 2, 3, 4), time(9, 0), time(12, 0)),
    "weekday_afternoon": ((0, 1, 2, 3, 4), time(13, 0), time(18, 0)),
    "weekend_morning": ((5, 6), time(9, 0), time(12, 0)),
    "weekend_afternoon": ((5, 6), time(13, 0), time(18, 0)),
}


def in_windows(starts_at: datetime, windows: Iterable[str]) -> bool:
    """A visit starting at `starts_at` starts inside one of the windows (no window: every time is fine)."""
    windows = [w for w in windows if w in WINDOWS]
    if not windows:
        return True
    local = timezone.localtime(starts_at, timezone.get_default_timezone())
    return any(
        local.weekday() in days and start <= local.time() < end for days, start, end in (WINDOWS[w] for w in windows)
    )


def windows_outside_hours(application: MerchantApplication) -> list[str]:
    """The merchant's preferred windows in which no installer serving their area starts a visit."""
    profiles = list(installers_serving(application.installation_address()))
    if not profiles:
        return []
    outside = []
    for window in application.preferred_windows or []:
        if window not in WINDOWS:
            continue
        days, start, end = WINDOWS[window]
        fits = False
        for p in profiles:
            first = datetime.combine(date.min, p.day_starts)
            last = datetime.combine(date.min, p.day_ends) - VISIT_LENGTH
            fits = fits or (
                any(d in p.working_days for d in days)
                and first <= last
                and any(
                    start <= (first + i * VISIT_LENGTH).time() < end
                    for i in range(int((last - first) / VISIT_LENGTH) + 1)
                )
            )
        if not fits:
            outside.append(window)
    return outside


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


def visits_on_days(
    installer_ids: Iterable[int], since: datetime, until: datetime, *, moving: Visit | None = None
) -> list[Visit]:
    """The installers' visits of every purpose on the local days from `since` to `until`, whole days
    (for the daily limit). `moving`, a visit being moved, does not count."""
    tz = timezone.get_default_timezone()
    first = local_day_start(timezone.localtime(since, tz).date())
    after = local_day_start(timezone.localtime(until, tz).date() + timedelta(days=1))
    return list(
        Visit.objects.filter(
            installer_id__in=list(installer_ids),
            status__in=[VisitStatus.BOOKED, VisitStatus.DONE],
            starts_at__lt=after,
            ends_at__gt=first,
        )
        .exclude(pk=moving.pk if moving else None)
        .only("installer_id", "starts_at", "ends_at", "status")
    )


def unavailability(profile: InstallerProfile, starts_at: datetime, booked: list[Visit]) -> str:
    """Why `profile` cannot take a visit at `starts_at` ("" when it can). `booked` are their visits around then."""
    day = timezone.localtime(starts_at, timezone.get_default_timezone()).date()
    if starts_at not in slot_starts(profile, day):
        return _("%(name)s does not start visits at that time (working days and hours: %(hours)s).") % {
            "name": profile.user,
            "hours": working_hours_display(profile),
        }
    ends_at = starts_at + VISIT_LENGTH
    mine = [v for v in booked if v.installer_id == profile.user_id]
    if any(v.status == VisitStatus.BOOKED and v.starts_at < ends_at and v.ends_at > starts_at for v in mine):
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
    moving: Visit | None = None,
) -> list[Slot]:
    """The one free-slot selector, for every purpose and every booking page: the times at which
    some active installer serving the merchant's area works, is free and has room that day
    (visits of every purpose count). Each slot says whether it lies in the merchant's preferred
    time windows. `earliest` defaults to the applicant's 24 h notice; staff pass now.

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
    booked = visits_on_days([p.user_id for p in profiles], earliest, until, moving=moving)
    windows = application.preferred_windows or []
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
                slot = by_start.setdefault(start, Slot(start, preferred=in_windows(start, windows)))
                slot.installer_ids.append(profile.user_id)
    return [by_start[s] for s in sorted(by_start)]


def workload(installer_ids: list[int]) -> dict[int, int]:
    """Visits booked from today on, per installer: the assignment evens these out."""
    since = local_day_start(timezone.localdate())
    rows = (
        Visit.objects.filter(installer_id__in=installer_ids, status=VisitStatus.BOOKED, starts_at__gte=since)
        .values("installer_id")
        .annotate(n=Count("pk"))
    )
    counts = defaultdict(int, {row["installer_id"]: row["n"] for row in rows})
    return {pk: counts[pk] for pk in installer_ids}


def booked_visit(application: MerchantApplication) -> Visit | None:
    return (
        Visit.objects.filter(application=application, purpose=VisitPurpose.INSTALLATION, status=VisitStatus.BOOKED)
        .select_related("installer")
        .first()
    )


def last_visit(application: MerchantApplication) -> Visit | None:
    return (
        Visit.objects.filter(application=application, purpose=VisitPurpose.INSTALLATION)
        .exclude(status=VisitStatus.CANCELLED)
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
class MyVisits:
    """An installer's visits of every purpose, by day: rows of (partial template, visit)."""

    today: list[tuple[str, Visit]]
    upcoming: list[tuple[str, Visit]]
    done: list[tuple[str, Visit]]


VISIT_ROW = "installations/_visit_row.html"


def my_visits(installer: User, *, done_limit: int = 20) -> MyVisits:
    """An installer's own visits, every purpose: today's (booked or done today), the next ones,
    the last done before today. Two queries."""
    tz = timezone.get_default_timezone()
    start_today = local_day_start(timezone.localdate(timezone.now(), tz))
    start_tomorrow = local_day_start(timezone.localdate(timezone.now(), tz) + timedelta(days=1))
    mine = Visit.objects.filter(installer=installer).select_related("application", "terminal")
    current = list(
        mine.filter(
            Q(status=VisitStatus.BOOKED)
            | Q(status=VisitStatus.DONE, starts_at__gte=start_today, starts_at__lt=start_tomorrow)
        ).order_by("starts_at")
    )
    # A visit checked in is under way: it stays in "today" until it is done, whatever its slot.
    today = [v for v in current if v.starts_at < start_tomorrow or v.checked_in_at]
    upcoming = [v for v in current if v not in today]
    # Done today is in "today" (marked done); "done" holds the days before, not the same rows again.
    done = list(
        mine.filter(status=VisitStatus.DONE, ends_at__gte=done_cutoff(), starts_at__lt=start_today).order_by(
            "-starts_at"
        )[:done_limit]
    )
    return MyVisits(
        today=[(VISIT_ROW, v) for v in today],
        upcoming=[(VISIT_ROW, v) for v in upcoming],
        done=[(VISIT_ROW, v) for v in done],
    )


def signed_in_since(visit: Visit) -> str:
    """The answer of the last sign-in of the visit's merchant since the check-in ("" if none)."""
    if not visit.checked_in_at:
        return ""
    last = (
        SignIn.objects.filter(application_id=visit.application_id, at__gte=visit.checked_in_at)
        .order_by("-at", "-pk")
        .first()
    )
    return last.response_code if last else ""
