from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """The workflow states: a contract (DESIGN.md). Other code, tests and data use these names."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    INSTALLATION_SCHEDULED = "installation_scheduled", _("Installation scheduled")
    CONFIGURING = "configuring", _("Configuring")
    TRAINING = "training", _("Training")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


APPLICANT_EDITABLE_STATES = (Status.DRAFT, Status.CHANGES_REQUESTED)


class BusinessType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual (no business licence)")
    SOLE_PROPRIETOR = "sole_proprietor", _("Individual business (个体工商户)")
    COMPANY = "company", _("Company")


# Business types that hold a business licence, hence a unified social credit code.
LICENSED_BUSINESS_TYPES = (BusinessType.SOLE_PROPRIETOR, BusinessType.COMPANY)


class Category(models.TextChoices):
    """Merchant category codes (MCC, ISO 18245) used by Chinese acquirers."""

    GROCERY = "5411", _("Grocery store, supermarket")
    CONVENIENCE = "5499", _("Convenience store, food shop")
    RESTAURANT = "5812", _("Restaurant")
    FAST_FOOD = "5814", _("Fast food, snack bar")
    PHARMACY = "5912", _("Pharmacy")
    CLOTHING = "5651", _("Clothing store")
    ELECTRONICS = "5732", _("Electronics store")
    HARDWARE = "5251", _("Hardware store")
    BEAUTY = "7230", _("Beauty and hair salon")
    REPAIR = "7699", _("Repair shop")
    SERVICES = "7299", _("Other personal services")
    RETAIL = "5999", _("Other retail")


class DocumentKind(models.TextChoices):
    ID_FRONT = "id_front", _("ID card, front")
    ID_BACK = "id_back", _("ID card, back")
    LICENCE = "licence", _("Business licence")
    STOREFRONT = "storefront", _("Storefront photo")
    BANK_CARD = "bank_card", _("Bank card photo")


class RejectionReason(models.TextChoices):
    IDENTITY = "identity", _("Identity could not be verified")
    DOCUMENTS = "documents", _("Documents forged or unreadable")
    BUSINESS = "business", _("Business not eligible")
    RISK = "risk", _("Risk or fraud concern")
    DUPLICATE = "duplicate", _("Duplicate application")
    OTHER = "other", _("Other")


class TimeWindow(models.TextChoices):
    WEEKDAY_MORNING = "weekday_morning", _("Weekday morning (9:00–12:00)")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekday afternoon (13:00–18:00)")
    WEEKEND_MORNING = "weekend_morning", _("Weekend morning (9:00–12:00)")
    WEEKEND_AFTERNOON = "weekend_afternoon", _("Weekend afternoon (13:00–18:00)")


class ReviewCheck(models.TextChoices):
    """What the reviewer holding an application confirms before approving it."""

    ID_MATCHES_NAME = "id_matches_name", _("The ID card matches the legal name")
    ACCOUNT_HOLDER_MATCHES = "account_holder_matches", _("The account holder matches the legal or business name")
    LICENCE_READABLE = "licence_readable", _("The business licence is readable and matches")
