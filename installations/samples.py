"""Sample data built through the services: an application filled in, and walked to any state
of the workflow the one way production reaches it. Used by the demo app (seed_demo) and the tests."""

import hashlib
import io
from datetime import date, time, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from stdnum import luhn
from stdnum.cn import ric, uscc

from accounts.models import User
from applications import services as app_services
from applications.choices import BusinessType, Category, Status, TimeWindow
from applications.models import MerchantApplication
from core.choices import Province, TerminalModel
from terminals import services as terminal_services
from terminals.models import CommMode, Terminal
from terminals.services import signin_record

from . import services as install_services
from .models import TRAINING_TOPICS, InstallerProfile, Visit, VisitPurpose, VisitStatus
from .selectors import VISIT_LENGTH, free_slots


def valid_id_number(seq: int) -> str:
    """A valid resident ID of Beijing's Chaoyang district, born `seq` days after 1980-01-01
    (within about 27 years, so every sample holder is an adult of a real date)."""
    born = date(1980, 1, 1) + timedelta(days=seq % 10_000)
    base = f"110105{born:%Y%m%d}{seq % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")  # stdnum expects a placeholder check digit


def valid_card_number(seq: int) -> str:
    base = f"622202{seq:012d}"
    return base + luhn.calc_check_digit(base)


def valid_credit_code(seq: int) -> str:
    base = f"92110105MA{seq:07d}"
    return base + uscc.calc_check_digit(base)


def demo_png(label: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (230, 236, 245)).save(buffer, "PNG")
    return SimpleUploadedFile(f"{label}.png", buffer.getvalue(), content_type="image/png")


def fill(app: MerchantApplication, applicant: User, seq: int) -> MerchantApplication:
    name = f"{applicant.last_name}{applicant.first_name}"
    app = app_services.application_save_fields(
        application=app,
        by=applicant,
        fields={
            "legal_name": name,
            "id_number": valid_id_number(seq),
            "mobile": "+8613800138000",
            "business_type": BusinessType.SOLE_PROPRIETOR,
            "business_name": f"{name}便利店 {seq}",
            "credit_code": valid_credit_code(seq),
            "category": Category.CONVENIENCE,
            "province": Province.BEIJING,
            "city": "北京市",
            "district": "朝阳区",
            "street": f"建国路 {seq} 号",
            "bank_name": "中国工商银行",
            "bank_branch": "北京建国路支行",
            "account_holder": name,
            "card_number": valid_card_number(seq),
            "terminal_model": TerminalModel.COUNTERTOP,
            "preferred_windows": [TimeWindow.WEEKDAY_MORNING],
        },
    )
    for kind in app.required_documents():
        app_services.document_upload(application=app, by=applicant, kind=kind, upload=demo_png(kind))
    app_services.application_record_consent(application=app, by=applicant)
    return app


def ensure_installer_covers(installer: User, app: MerchantApplication, by: User) -> None:
    """Give the demo's (or a test's) installer a profile whose area covers the application."""
    address = app.installation_address()
    profile = InstallerProfile.objects.filter(user=installer).prefetch_related("areas").first()
    areas = [(a.province, a.city) for a in profile.areas.all()] if profile else []
    if any(p == address["province"] and c in ("", address["city"]) for p, c in areas):
        return
    install_services.installer_profile_save(
        installer=installer,
        by=by,
        areas=[*areas, (address["province"], "")],
        working_days=profile.working_days if profile else [0, 1, 2, 3, 4, 5, 6],
        day_starts=profile.day_starts if profile else time(8, 0),
        day_ends=profile.day_ends if profile else time(20, 0),
        visits_per_day=profile.visits_per_day if profile else 6,
    )


def demo_kcv(serial: str) -> str:
    return hashlib.sha256(serial.encode()).hexdigest()[:6].upper()


def stock_terminal(app: MerchantApplication, by: User) -> Terminal:
    """A terminal of the model applied for, received into stock for this application's visit."""
    serial = f"SN-{app.reference}"
    terminal = Terminal.objects.filter(serial_number=serial).first()
    if terminal is None:
        data = f"serial_number,model,key_check_value\n{serial},{app.terminal_model},{demo_kcv(serial)}\n"
        (terminal,) = terminal_services.terminal_import_csv(data=data.encode(), by=by)
    return terminal


def visit_takes_place_now(app: MerchantApplication) -> None:
    """The booked installation visit moved to now. A sample walked past its visit was visited
    now, not on the day it was booked for: the installer checks in on site near the visit's time
    (VISIT_CHECK_IN_EARLY_MINUTES), and "My visits" shows it today, not days ahead."""
    visit = Visit.objects.filter(application=app, purpose=VisitPurpose.INSTALLATION, status=VisitStatus.BOOKED).first()
    if visit is None:
        return  # nothing booked: a check-in is refused for that reason, not for the time
    start = timezone.now().replace(microsecond=0)
    # One booked visit per installer and start (a database constraint): samples walked in the
    # same second take the seconds after.
    taken = set(
        Visit.objects.filter(
            installer_id=visit.installer_id, status=VisitStatus.BOOKED, starts_at__gte=start
        ).values_list("starts_at", flat=True)
    )
    while start in taken:
        start += timedelta(seconds=1)
    Visit.objects.filter(pk=visit.pk).update(starts_at=start, ends_at=start + VISIT_LENGTH)


def carry(
    app: MerchantApplication,
    target: Status,
    *,
    applicant: User,
    reviewer: User,
    installer: User,
    support: User,
    seq: int = 1,
    filled: bool = True,
) -> MerchantApplication:
    """Walk one application from draft to its target state through the services, as people would.

    Tests use it too, so that every state is reached the one way production reaches it.
    """
    if filled:
        app = fill(app, applicant, seq)
    if target == Status.DRAFT:
        return app
    if target == Status.WITHDRAWN:
        return app_services.application_withdraw(application=app, by=applicant, message="换了一家收单机构")
    app = app_services.application_submit(application=app, by=applicant)
    if target == Status.SUBMITTED:
        return app
    app = app_services.application_claim(application=app, by=reviewer)
    if target == Status.IN_REVIEW:
        return app
    if target == Status.CHANGES_REQUESTED:
        return app_services.application_request_changes(
            application=app, by=reviewer, fields=["storefront"], message="门头照片太暗，请重新拍摄。"
        )
    if target == Status.REJECTED:
        return app_services.application_reject(
            application=app, by=reviewer, reason="business", message="经营范围不符合要求。"
        )
    app = app_services.application_save_checklist(
        application=app, by=reviewer, checks=dict.fromkeys(app_services.REVIEW_CHECKLIST, True)
    )
    app = app_services.application_approve(application=app, by=reviewer, message="资料齐全。")
    # Someone must serve the area for the applicant to be offered slots.
    ensure_installer_covers(installer, app, reviewer)
    if target == Status.APPROVED:
        return app
    # Staff book for the installer given (an applicant's booking would pick the least busy one), at
    # the first free slot, which the sample merchant agreed to whatever their preferred windows.
    slot = free_slots(app, installer=installer, days=90)[0]
    install_services.installation_schedule(
        application=app, by=reviewer, installer=installer, starts_at=slot.starts_at, outside_windows=True
    )
    app.refresh_from_db()
    if target == Status.INSTALLATION_SCHEDULED:
        return app
    visit_takes_place_now(app)
    app = install_services.installation_start(application=app, by=installer)
    # On site: a terminal assigned and configured, waiting for its sign-in test.
    terminal = stock_terminal(app, reviewer)
    # No network here: the first sign-in test registers the terminal at the host.
    terminal_services.terminal_assign(
        application=app, by=installer, serial_number=terminal.serial_number, register_at_host=False
    )
    terminal.refresh_from_db()
    install_services.visit_configure(
        application=app,
        by=installer,
        tid=terminal.tid,
        mid=app.merchant_id,
        host=settings.ACQUIRER_HOST,
        port=settings.ACQUIRER_PORT,
        comm_mode=CommMode.ETHERNET,
        key_check_value=terminal.key_check_value,
    )
    if target == Status.CONFIGURING:
        return app
    # Recorded rather than tested live, so that tests and the seed need no running host.
    signin_record(application=app, by=installer, response_code="00", detail="demo")
    app = install_services.installation_complete_configuration(application=app, by=installer)
    if target == Status.TRAINING:
        return app
    app = install_services.installation_complete_training(
        application=app,
        by=installer,
        topics=[key for key, _label in TRAINING_TOPICS],
        confirmed_by_name=app.legal_name,
    )
    if target == Status.SUSPENDED:
        return app_services.application_suspend(application=app, by=support, message="疑似套现交易，暂停核查。")
    return app
