from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckKind(models.TextChoices):
    """One kind of check against an authoritative service (docs/verification.md)."""

    IDENTITY = "identity", _("Identity (name and ID number, public security)")
    BANK_CARD = "bank_card", _("Bank card (name, ID number, card, reserved mobile)")
    BUSINESS = "business", _("Business register (credit code, name, legal representative, status)")
    MOBILE = "mobile", _("Mobile operator (name, ID number, mobile)")


class Outcome(models.TextChoices):
    MATCH = "match", _("match")
    MISMATCH = "mismatch", _("mismatch")
    NOT_FOUND = "not_found", _("not found")
    UNAVAILABLE = "unavailable", _("service unavailable")
    TIMEOUT = "timeout", _("no answer in time")
    INVALID = "invalid", _("unreadable answer")


# Answers that say something about the applicant; the others say something about the service.
CONCLUSIVE = (Outcome.MATCH, Outcome.MISMATCH, Outcome.NOT_FOUND)
# Worth asking again later (with backoff); an unreadable answer is not retried: a person looks.
TRANSIENT = (Outcome.UNAVAILABLE, Outcome.TIMEOUT)


class Band(models.TextChoices):
    LOW = "low", _("low risk")
    MEDIUM = "medium", _("medium risk")
    HIGH = "high", _("high risk")


class Route(models.TextChoices):
    RUNNING = "running", _("checks running")
    AUTO_APPROVED = "auto_approved", _("approved automatically")
    AUTO_REJECTED = "auto_rejected", _("rejected automatically")
    QUEUE = "queue", _("to the review queue")
    SENIOR = "senior", _("to a senior reviewer")
    RETURNED = "returned", _("back to the reviewer who asked for the changes")
    STALE = "stale", _("application changed while checked: checked again")
    TAKEN = "taken", _("already taken by a reviewer")


class Verdict(models.TextChoices):
    AGREE = "agree", _("agree with the automatic decision")
    DISAGREE = "disagree", _("disagree with the automatic decision")


SENIOR_GROUP = "Senior reviewer"
SYSTEM_USERNAME = "verification-robot"
