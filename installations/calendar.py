"""A visit as an iCalendar (.ics) file, for the applicant's and the installer's calendars."""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Visit, VisitPurpose, VisitStatus


def visit_ics(visit: Visit, *, for_installer: bool) -> bytes:
    app = visit.application
    calendar = Calendar()
    calendar.add("prodid", "-//POS Portal//Installation visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    service = visit.purpose == VisitPurpose.SERVICE
    if service:
        event.add("uid", f"visit-{visit.pk}@pos-portal")
        event.add("sequence", 0)
    else:
        # One UID per application: a moved visit replaces the earlier one in the calendar.
        event.add("uid", f"visit-{app.reference}@pos-portal")
        event.add("sequence", app.visits.filter(purpose=VisitPurpose.INSTALLATION).count())
    event.add("dtstamp", timezone.now())
    event.add("dtstart", visit.starts_at)
    event.add("dtend", visit.ends_at)
    event.add("location", app.installation_address_display())
    if service and for_installer:
        serial = visit.terminal.serial_number if visit.terminal else ""
        event.add(
            "summary",
            _("Service visit: %(business)s (%(ref)s)") % {"business": app.business_name, "ref": app.reference},
        )
        event.add(
            "description",
            _("Terminal %(serial)s. The case, its evidence and the merchant's phone are on the visit page.")
            % {"serial": serial},
        )
    elif service:
        event.add("summary", _("POS terminal service visit (%s)") % app.reference)
        event.add(
            "description",
            _("Your installer %(name)s comes to look at your terminal.") % {"name": visit.installer.get_full_name()},
        )
    elif for_installer:
        event.add(
            "summary",
            _("Install a terminal: %(business)s (%(ref)s)") % {"business": app.business_name, "ref": app.reference},
        )
        event.add(
            "description",
            # No phone number: calendars are often synced to third parties; the visit page has it.
            _("Merchant: %(name)s. Bring: %(model)s, two paper rolls. The merchant's phone is on the visit page.")
            % {"name": app.legal_name, "model": app.get_terminal_model_display()},
        )
    else:
        event.add("summary", _("POS terminal installation (%s)") % app.reference)
        event.add(
            "description",
            _("Your installer %(name)s brings and sets up your terminal.") % {"name": visit.installer.get_full_name()},
        )
    event.add("status", "CANCELLED" if visit.status == VisitStatus.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
