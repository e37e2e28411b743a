"""Demo data: people for every role and applications in every state, made through the services.

Used by `manage.py seed_demo` (and so by `make run`). Everything is keyed by fixed emails and
references, so a second run finds it and changes nothing.
"""

import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from stdnum import luhn
from stdnum.cn import ric, uscc

from accounts.models import User
from accounts.roles import grant_admin_permissions
from applications import services as app_services
from applications.choices import BusinessType, Category, Province, Status, TerminalModel, TimeWindow
from applications.models import MerchantApplication
from installations import services as install_services
from installations.models import TRAINING_TOPICS
from terminals.services import signin_record

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


PEOPLE = [
    ("applicant@demo.pos-portal.cn", "Applicant", "王", "小明", False, False),
    ("applicant2@demo.pos-portal.cn", "Applicant", "李", "娜", False, False),
    ("reviewer@demo.pos-portal.cn", "Reviewer", "张", "审核", True, False),
    ("installer@demo.pos-portal.cn", "Installer", "刘", "安装", False, False),
    ("support@demo.pos-portal.cn", "Support", "陈", "客服", True, False),
    ("admin@demo.pos-portal.cn", "Administrator", "管理", "员", True, True),
]

# The state each demo application is carried to, in the order the workflow reaches them.
TARGETS = [
    ("PA-DEMDRAFT", Status.DRAFT),
    ("PA-DEMSUBMT", Status.SUBMITTED),
    ("PA-DEMREVEW", Status.IN_REVIEW),
    ("PA-DEMCHANG", Status.CHANGES_REQUESTED),
    ("PA-DEMAPPRV", Status.APPROVED),
    ("PA-DEMSCHED", Status.INSTALLATION_SCHEDULED),
    ("PA-DEMCNFIG", Status.CONFIGURING),
    ("PA-DEMTRAIN", Status.TRAINING),
    ("PA-DEMACTVE", Status.ACTIVE),
    ("PA-DEMSUSPD", Status.SUSPENDED),
    ("PA-DEMREJCT", Status.REJECTED),
    ("PA-DEMWDRWN", Status.WITHDRAWN),
]


def valid_id_number(seq: int) -> str:
    base = f"110105{19800101 + seq:08d}{seq % 1000:03d}"[:17]
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


def ensure_people() -> dict[str, User]:
    people: dict[str, User] = {}
    for email, role, last, first, is_staff, is_superuser in PEOPLE:
        user, _created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email.split("@")[0],
                "first_name": first,
                "last_name": last,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "mobile": "+8613800138000",
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role != "Administrator":
            user.groups.add(Group.objects.get(name=role))
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        people[email.split("@")[0]] = user
    grant_admin_permissions()
    return people


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


def visit_time(days_ahead: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


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
    app = app_services.application_approve(application=app, by=reviewer, message="资料齐全。")
    if target == Status.APPROVED:
        return app
    install_services.installation_schedule(
        application=app, by=applicant, installer=installer, starts_at=visit_time(1 + seq)
    )
    app.refresh_from_db()
    if target == Status.INSTALLATION_SCHEDULED:
        return app
    app = install_services.installation_start(application=app, by=installer)
    if target == Status.CONFIGURING:
        return app
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


def seed() -> list[DemoLogin]:
    people = ensure_people()
    for seq, (reference, target) in enumerate(TARGETS, start=1):
        if MerchantApplication.objects.filter(reference=reference).exists():
            continue
        applicant = people["applicant"] if seq % 2 else people["applicant2"]
        with transaction.atomic():
            app = MerchantApplication.objects.create(applicant=applicant, reference=reference)
            carry(
                app,
                target,
                applicant=applicant,
                reviewer=people["reviewer"],
                installer=people["installer"],
                support=people["support"],
                seq=seq,
                filled=target != Status.DRAFT,  # the demo's draft is left for the applicant to fill in
            )
    return [DemoLogin(role, email, DEMO_PASSWORD) for email, role, *_rest in PEOPLE]
