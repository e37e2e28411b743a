"""A visit as an iCalendar (.ics) file, for the applicant's and the installer's calendars."""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import AppointmentStatus, InstallationAppointment


def visit_ics(visit: InstallationAppointment, *, for_installer: bool) -> bytes:
    app = visit.application
    calendar = Calendar()
    calendar.add("prodid", "-//POS Portal//Installation visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    # One UID per application: a moved visit replaces the earlier one in the calendar.
    event.add("uid", f"visit-{app.reference}@pos-portal")
    event.add("sequence", app.appointments.count())
    event.add("dtstamp", timezone.now())
    event.add("dtstart", visit.starts_at)
    event.add("dtend", visit.ends_at)
    event.add("location", app.installation_address_display())
    if for_installer:
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
    event.add("status", "CANCELLED" if visit.status == AppointmentStatus.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
