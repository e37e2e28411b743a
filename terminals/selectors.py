from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import FigureSnapshot, MerchantApplication

from .models import RemoteCommand, SignIn, Terminal, TerminalConfiguration, TerminalEvent, TerminalStatus


def latest_signin_code(application: MerchantApplication) -> str:
    """The response code of the last sign-in with the current configuration, or "" when none.

    A 00 obtained with an earlier configuration proves nothing about the one now on the terminal.
    """
    last = SignIn.objects.filter(application=application, configuration__is_current=True).order_by("-at", "-pk").first()
    return last.response_code if last else ""


def current_configuration(application: MerchantApplication) -> TerminalConfiguration | None:
    return TerminalConfiguration.objects.filter(application=application, is_current=True).first()


def signins_of(application: MerchantApplication, limit: int = 10) -> list[SignIn]:
    return list(
        SignIn.objects.filter(application=application).select_related("configuration").order_by("-at", "-pk")[:limit]
    )


def signin_advice(code: str, *, issued_tid: str | None = None) -> str:
    """What a response code means on site, and what to do about it."""
    if code == "00":
        return _(
            "Approved: the host knows this terminal and merchant, and the key matches. Complete the configuration."
        )
    if code == "97":
        hint = _(" The TID issued for this terminal is %s.") % issued_tid if issued_tid else ""
        return (
            _(
                "Terminal not registered (无效终端): the host does not know this TID for this merchant. Check the TID typed on the terminal and here."
            )
            + hint
        )
    if code == "03":
        return _(
            "Invalid merchant (无效商户): the host does not know this MID or it is not active. Do not change the MID: call support."
        )
    if code == "A0":
        return _(
            "Key check failed: the KCV does not match the key loaded for this terminal. Read the KCV again on the terminal's key screen; if it differs from the work order, the terminal needs its key reloaded."
        )
    if code == "30":
        return _("Format error: the host could not read the message. Report it to support.")
    if code == "":
        return _(
            "No answer from the host: check the host address, the port and the terminal's network, then try again."
        )
    return _("The host answered %s: call support with this code.") % code


def inventory(*, status: str = "", search: str = "") -> QuerySet[Terminal]:
    """The inventory's rows, with only the columns it shows: the application's sealed numbers
    would be decrypted for every row (its state is read as it loads: django-fsm's check)."""
    terminals = (
        Terminal.objects.select_related("application")
        .only("serial_number", "model", "status", "tid", "application__reference", "application__status")
        .order_by("serial_number")
    )
    if status in TerminalStatus.values:
        terminals = terminals.filter(status=status)
    search = search.strip()
    if search:
        # Three characters or more anywhere in the serial (a trigram index on PostgreSQL); fewer,
        # at its start (a pattern index): a trigram index cannot serve a shorter pattern.
        lookup = "serial_number__icontains" if len(search) >= 3 else "serial_number__istartswith"
        terminals = terminals.filter(**{lookup: search})
    return terminals


INVENTORY_COUNTS_KEY = "terminals:inventory-counts:v1"
INVENTORY_COUNTS_SNAPSHOT = "terminal-counts"
# How long counts are trusted without a change of status: rows written around the services (a
# bulk load) are counted again within this time.
INVENTORY_COUNTS_SECONDS = 60


def inventory_counts() -> dict[str, int]:
    """Terminals per status. With a fleet, counting them is the inventory's dearest query (tens of
    milliseconds at 80,000), so the last count is kept in the cache and, for a cold start (cache
    emptied, every worker restarted), in the database; every change of status forgets both
    (forget_inventory_counts), and either is counted again after INVENTORY_COUNTS_SECONDS."""
    cached = cache.get(INVENTORY_COUNTS_KEY)
    if cached is not None:
        return cached
    since = timezone.now() - timedelta(seconds=INVENTORY_COUNTS_SECONDS)
    row = FigureSnapshot.objects.filter(key=INVENTORY_COUNTS_SNAPSHOT, computed_at__gt=since).first()
    if row is not None:
        result = row.data
        left = INVENTORY_COUNTS_SECONDS - (timezone.now() - row.computed_at).total_seconds()
        cache.set(INVENTORY_COUNTS_KEY, result, max(int(left), 1))
        return result
    counts = dict(Terminal.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    result = {value: counts.get(value, 0) for value in TerminalStatus.values}
    # One statement (an upsert), not update_or_create's lock, savepoint and insert.
    FigureSnapshot.objects.bulk_create(
        [FigureSnapshot(key=INVENTORY_COUNTS_SNAPSHOT, data=result, computed_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["data", "computed_at"],
    )
    cache.set(INVENTORY_COUNTS_KEY, result, INVENTORY_COUNTS_SECONDS)
    return result


def forget_inventory_counts() -> None:
    cache.delete(INVENTORY_COUNTS_KEY)
    FigureSnapshot.objects.filter(key=INVENTORY_COUNTS_SNAPSHOT).delete()


def history_of(terminal: Terminal) -> list[TerminalEvent]:
    return list(terminal.events.select_related("by", "application").order_by("at", "pk"))


def commands_about(*, about_kind: str, about_id: int) -> QuerySet[RemoteCommand]:
    """The remote commands sent about one subject (e.g. a support case), oldest first."""
    return RemoteCommand.objects.filter(about_kind=about_kind, about_id=about_id).order_by("created_at", "pk")
