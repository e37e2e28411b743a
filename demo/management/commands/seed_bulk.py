"""`manage.py seed_bulk N`: N realistic applications over every state, with their history.

For load tests, benchmarks and dashboard work, never for production. Walking 100,000
applications through the services would take hours, so the command walks ONE sample
application to each state through the services and transitions themselves
(`installations.samples.carry`, in a transaction it then rolls back), and copies what they
produced: the transitions in the order the state machine fired them (with django-fsm-log's
history rows), and the workflow's fields as the services left them (reviewer held or not,
MID issued, checklist, decision, fields to fix). Only what people type (names, numbers,
addresses), the times and the wording of a rejection vary; the copies are written with
bulk_create in batches. A change to the workflow changes the bulk data with it.
"""

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import stdnum
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_fsm_log.models import StateLog
from stdnum import luhn
from stdnum.cn import ric, uscc

from accounts.models import User
from accounts.roles import Role
from applications import rollups
from applications.choices import (
    LICENSED_BUSINESS_TYPES,
    BusinessType,
    Category,
    RejectionReason,
    Status,
    TimeWindow,
)
from applications.models import CONSENT_VERSION, ConsentRecord, MerchantApplication, ReviewNote, new_reference
from core.choices import Province, TerminalModel
from installations.samples import carry

# Share of each state (per thousand), roughly a year of a live portal: most applications are
# long settled, a working day's worth wait for someone.
STATE_WEIGHTS = {
    Status.DRAFT: 30,
    Status.SUBMITTED: 15,
    Status.IN_REVIEW: 7,
    Status.CHANGES_REQUESTED: 10,
    Status.APPROVED: 10,
    Status.INSTALLATION_SCHEDULED: 15,
    Status.CONFIGURING: 3,
    Status.TRAINING: 3,
    Status.ACTIVE: 700,
    Status.SUSPENDED: 20,
    Status.REJECTED: 120,
    Status.WITHDRAWN: 67,
}
# States still waiting for someone: they entered their state recently (hours or days, not months).
WAITING = {
    Status.SUBMITTED: 14,
    Status.IN_REVIEW: 14,
    Status.CHANGES_REQUESTED: 48,
    Status.APPROVED: 36,
    Status.INSTALLATION_SCHEDULED: 72,
    Status.CONFIGURING: 2,
    Status.TRAINING: 1,
    Status.DRAFT: 240,
}  # fmt: skip  mean hours since the last change

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志海波宁浩然子轩梓涵一诺欣怡"
SHOPS = [
    "便利店",
    "小吃店",
    "水果店",
    "理发店",
    "面馆",
    "超市",
    "药店",
    "服装店",
    "五金店",
    "手机店",
    "茶饮店",
    "烧烤店",
]
BANKS = [
    ("中国工商银行", "622202"), ("中国建设银行", "621700"), ("中国农业银行", "622848"),
    ("中国银行", "621661"), ("招商银行", "622588"), ("交通银行", "622262"),
]  # fmt: skip
CITIES = {
    "11": ("北京市", ["朝阳区", "海淀区", "丰台区"]), "31": ("上海市", ["浦东新区", "徐汇区", "静安区"]),
    "44": ("广州市", ["天河区", "越秀区", "海珠区"]), "33": ("杭州市", ["西湖区", "拱墅区", "滨江区"]),
    "51": ("成都市", ["武侯区", "锦江区", "青羊区"]), "32": ("南京市", ["鼓楼区", "玄武区", "秦淮区"]),
}  # fmt: skip
# Where the merchants are: the big provinces more often than the rest.
PROVINCE_WEIGHTS = {p.value: (8 if p.value in CITIES else 1) for p in Province}
REJECT_MESSAGES = {
    RejectionReason.IDENTITY: "身份信息无法核实。",
    RejectionReason.DOCUMENTS: "证件照片疑似经过修改。",
    RejectionReason.BUSINESS: "经营范围不符合要求。",
    RejectionReason.RISK: "存在风险交易记录。",
    RejectionReason.DUPLICATE: "已有相同商户的申请。",
    RejectionReason.OTHER: "其他原因，请联系客服。",
}


# How long people take over each transition (hours, uniform): the seed's calendar, not a rule.
HOURS = {
    "submit": (0.2, 72), "withdraw": (0.5, 200), "claim": (0.5, 30), "request_changes": (0.1, 4),
    "reject": (0.1, 6), "approve": (0.1, 6), "schedule_installation": (1, 72), "reschedule": (1, 48),
    "start_installation": (20, 120), "complete_configuration": (0.3, 2), "complete_training": (0.3, 1.5),
    "suspend": (24, 2000),
}  # fmt: skip
# What the services leave on the application besides the applicant's own data and the times.
WORKFLOW_FIELDS = (
    "review_checklist", "rejection_reason", "decision_message", "changes_requested_fields", "status_message",
)  # fmt: skip


@dataclass(frozen=True)
class SampleStep:
    transition: str
    source: str
    target: str
    role: str  # who fired it in the sample: "applicant", "reviewer", "installer", "support"
    description: str


@dataclass(frozen=True)
class SamplePath:
    """What the services did to one application on its way to a state, and what they left on it."""

    steps: list[SampleStep]
    fields: dict
    holds_reviewer: bool
    has_merchant_id: bool
    claimed: bool


class _Discard(Exception):
    """Raised to roll the samples back once their paths are read."""


def in_memory_storages() -> dict:
    """The storages with documents kept in memory: a sample walk leaves nothing on disk."""
    return {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def sample_people(run: str) -> dict[str, User]:
    """An applicant, a reviewer, an installer and a support member for a sample walk, by role name."""
    people: dict[str, User] = {}
    for role in (Role.APPLICANT, Role.REVIEWER, Role.INSTALLER, Role.SUPPORT):
        user = User.objects.create(
            username=f"sample-{run}-{role}", email=f"{role}.{run}@sample.pos-portal.invalid".lower(),
            first_name="样", last_name="本", is_staff=role in (Role.REVIEWER, Role.SUPPORT),
        )  # fmt: skip
        user.groups.add(Group.objects.get(name=role))
        people[str(role).lower()] = user
    return people


def sample_paths() -> dict[str, SamplePath]:
    """Walk one application to every state through the services; answer their paths, keep no row.

    Documents go to an in-memory storage, so nothing of the samples stays on disk either."""
    content_type = ContentType.objects.get_for_model(MerchantApplication)
    paths: dict[str, SamplePath] = {}
    run = uuid.uuid4().hex[:10]
    try:
        with override_settings(STORAGES=in_memory_storages()), transaction.atomic():
            people = sample_people(run)
            roles = {user.pk: role for role, user in people.items()}
            for seq, target in enumerate(Status, start=1):
                app = MerchantApplication.objects.create(applicant=people["applicant"], reference=new_reference())
                app = carry(
                    app, target, applicant=people["applicant"], reviewer=people["reviewer"],
                    installer=people["installer"], support=people["support"], seq=seq,
                )  # fmt: skip
                app.refresh_from_db()
                logs = StateLog.objects.filter(content_type=content_type, object_id=app.pk).order_by("timestamp", "pk")
                paths[target] = SamplePath(
                    steps=[
                        SampleStep(
                            log.transition, log.source_state, log.state, roles.get(log.by_id, ""), log.description or ""
                        )
                        for log in logs
                    ],
                    fields={name: getattr(app, name) for name in WORKFLOW_FIELDS},
                    holds_reviewer=app.reviewer_id is not None,
                    has_merchant_id=bool(app.merchant_id),
                    claimed=app.claimed_at is not None,
                )
            raise _Discard
    except _Discard:
        pass
    return paths


@dataclass
class Step:
    transition: str
    source: str
    target: str
    by: int | None
    hours_after: float
    description: str = ""
    at: datetime | None = None


@dataclass
class Plan:
    app: MerchantApplication
    steps: list[Step] = field(default_factory=list)
    note: str = ""


def _counties() -> dict[str, list[str]]:
    """Six-digit region codes by province, from python-stdnum's own table (so its check accepts them)."""
    counties: dict[str, list[str]] = {}
    province = ""
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines():
        if line and line[0].isdigit():
            province = line.split()[0]
        elif line.startswith("  ") and 'county="' in line and 'county="[' not in line:
            code = line.split()[0]
            if not code.endswith("00"):
                counties.setdefault(province, []).append(province + code)
    return counties


@contextmanager
def _timestamps_as_given() -> Iterator[None]:
    """Let bulk_create keep the created/updated times we set (auto_now* would overwrite them)."""
    created = MerchantApplication._meta.get_field("created_at")
    updated = MerchantApplication._meta.get_field("updated_at")
    saved = created.auto_now_add, updated.auto_now
    created.auto_now_add = updated.auto_now = False
    try:
        yield
    finally:
        created.auto_now_add, updated.auto_now = saved


class Generator:
    def __init__(
        self, rng: random.Random, *, paths: dict[str, SamplePath], reviewers: list[int], support: list[int], days: int
    ) -> None:
        self.rng = rng
        self.paths = paths
        self.reviewers = reviewers
        self.support = support
        self.days = days
        self.now = timezone.now()
        self.references: set[str] = set()
        self.serials: dict[str, int] = {}
        self.counties = _counties()
        self.provinces = list(PROVINCE_WEIGHTS)
        self.province_weights = list(PROVINCE_WEIGHTS.values())

    def serials_from_database(self) -> None:
        for mid in MerchantApplication.objects.exclude(merchant_id=None).values_list("merchant_id", flat=True):
            prefix, serial = mid[:-4], int(mid[-4:])
            self.serials[prefix] = max(self.serials.get(prefix, 0), serial)

    # --- Fields -------------------------------------------------------------------------

    def _reference(self) -> str:
        while (ref := new_reference()) in self.references:
            pass
        self.references.add(ref)
        return ref

    def _id_number(self, province: str) -> str:
        rng = self.rng
        born = datetime(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
        region = rng.choice(self.counties.get(province) or self.counties["11"])
        base = f"{region}{born:%Y%m%d}{rng.randrange(0, 999):03d}"
        return base + ric.calc_check_digit(base + "0")

    def _card(self, prefix: str) -> str:
        base = prefix + "".join(str(self.rng.randrange(10)) for _ in range(12))
        return base + luhn.calc_check_digit(base)

    def _credit_code(self, province: str) -> str:
        body = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        base = f"92{province}0105{body}"[:17]
        return base + uscc.calc_check_digit(base)

    def _merchant_id(self, province: str, category: str) -> str:
        prefix = f"{settings.ACQUIRER_INSTITUTION_CODE}{province}00{category}"
        serial = self.serials.get(prefix, 0) + 1
        if serial > 9999:  # a crowded prefix: take a neighbouring category's range
            return self._merchant_id(province, self.rng.choice(Category.values))
        self.serials[prefix] = serial
        return f"{prefix}{serial:04d}"

    def application(self, applicant: User, target: Status) -> Plan:
        rng = self.rng
        province = rng.choices(self.provinces, self.province_weights)[0]
        city, districts = CITIES.get(province, (f"{Province(province).label}某市", ["城区"]))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        business_type = rng.choices(list(BusinessType), (3, 6, 1))[0]
        bank, card_prefix = rng.choice(BANKS)
        shop = f"{name[0]}记{rng.choice(SHOPS)}"
        app = MerchantApplication(
            applicant=applicant,
            reference=self._reference(),
            status=target,  # a protected FSM field may be given once, when the instance is made
            legal_name=name,
            id_number=self._id_number(province),
            mobile=f"+861{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            business_type=business_type,
            business_name=shop,
            credit_code=self._credit_code(province) if business_type in LICENSED_BUSINESS_TYPES else "",
            category=rng.choice(Category.values),
            province=province,
            city=city,
            district=rng.choice(districts),
            street=f"{rng.choice(['人民路', '解放路', '中山路', '建设路', '和平街'])} {rng.randrange(1, 999)} 号",
            bank_name=bank,
            bank_branch=f"{city}{rng.choice(districts)}支行",
            account_holder=name if business_type == BusinessType.INDIVIDUAL or rng.random() < 0.5 else shop,
            card_number=self._card(card_prefix),
            terminal_model=rng.choice(TerminalModel.values),
            preferred_windows=[rng.choice(TimeWindow.values)],
        )
        plan = Plan(app)
        self._path(plan, target)
        self._place_in_time(plan, target)
        if target not in (Status.DRAFT, Status.SUBMITTED) and rng.random() < 0.1:
            plan.note = rng.choice(
                ["已电话核实经营场所。", "门头照片与地址一致。", "与另一申请的手机号相同，已核实为同一家庭。"]
            )
        return plan

    def _path(self, plan: Plan, target: Status) -> None:
        """The sample's path to `target`, fired by this run's people, with its fields as the services left them."""
        rng, app, sample = self.rng, plan.app, self.paths[target]
        people = {
            "applicant": app.applicant_id,
            "reviewer": rng.choice(self.reviewers),
            "support": rng.choice(self.support),
        }
        for step in sample.steps:
            low, high = HOURS.get(step.transition, (0.5, 24))
            plan.steps.append(
                Step(
                    step.transition,
                    step.source,
                    step.target,
                    people.get(step.role),
                    rng.uniform(low, high),
                    step.description,
                )
            )
        for name, value in sample.fields.items():
            setattr(app, name, deepcopy(value))
        app.reviewer_id = people["reviewer"] if sample.holds_reviewer else None
        if sample.has_merchant_id:
            app.merchant_id = self._merchant_id(app.province, app.category)
        if target == Status.REJECTED:  # the wording of a rejection varies; where it was written stays the services'
            said = sample.fields["decision_message"]
            app.rejection_reason = rng.choice(RejectionReason.values)
            words = REJECT_MESSAGES[app.rejection_reason]
            for name in ("decision_message", "status_message"):
                if getattr(app, name) == said:
                    setattr(app, name, words)
            plan.steps = [
                Step(
                    s.transition,
                    s.source,
                    s.target,
                    s.by,
                    s.hours_after,
                    words if s.description == said else s.description,
                )
                for s in plan.steps
            ]

    def _place_in_time(self, plan: Plan, target: Status) -> None:
        """Put the path on the calendar: ending recently if still waiting, anywhere in the period otherwise."""
        rng, app = self.rng, plan.app
        total = sum(s.hours_after for s in plan.steps)
        if target in WAITING:
            age_hours = rng.expovariate(1 / WAITING[target])  # most wait hours; a few breach the SLA
        else:
            age_hours = rng.uniform(0, self.days * 24 - total) if self.days * 24 > total else 0
        end = self.now - timedelta(hours=age_hours)
        created = end - timedelta(hours=total) - timedelta(hours=rng.uniform(0.1, 3))
        app.created_at = created
        at = created
        claimed = self.paths[target].claimed
        for step in plan.steps:
            at = at + timedelta(hours=step.hours_after)
            step.at = at
            if step.target == Status.SUBMITTED:
                app.submitted_at = at
            if step.transition == "claim":
                app.claimed_at = at if claimed else None
        app.status_changed_at = plan.steps[-1].at if plan.steps else created
        app.updated_at = app.status_changed_at


class Command(BaseCommand):
    help = "Create N realistic applications spread over every state, with their history (bulk, for load tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--batch", type=int, default=5000, help="rows per INSERT batch and transaction")
        parser.add_argument("--days", type=int, default=365, help="spread the applications over this many days")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for the same data twice")
        parser.add_argument(
            "--per-applicant", type=int, default=3, help="applications per applicant account (default 3)"
        )

    def handle(
        self, *args: object, count: int, batch: int, days: int, seed: int | None, per_applicant: int, **_: object
    ) -> None:
        started = time.monotonic()
        rng = random.Random(seed)
        run = uuid.uuid4().hex[:10]  # names the people of this run, whatever the seed
        reviewers, support = self._staff(run)
        applicants = self._applicants(run, max(1, -(-count // per_applicant)), batch)
        paths = sample_paths()
        self.stdout.write(f"  every state's path walked through the services ({time.monotonic() - started:.1f} s)")
        generator = Generator(rng, paths=paths, reviewers=reviewers, support=support, days=days)
        generator.serials_from_database()
        states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
        content_type = ContentType.objects.get_for_model(MerchantApplication)
        made = logs = 0
        with _timestamps_as_given():
            while made < count:
                size = min(batch, count - made)
                plans = [
                    generator.application(
                        applicants[(made + i) % len(applicants)],
                        # Every state at least once, then in proportion.
                        states[made + i] if made + i < len(states) else rng.choices(states, weights)[0],
                    )
                    for i in range(size)
                ]
                logs += self._write(plans, content_type, batch)
                made += size
                self.stdout.write(
                    f"  {made}/{count} applications, {logs} history rows ({time.monotonic() - started:.0f} s)"
                )
        # Bulk copies skip the model's save: the dashboard's rollups are recomputed once, here.
        rollups.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {made} applications, {logs} history rows and {len(applicants)} applicants "
                f"in {time.monotonic() - started:.1f} s (run {run})."
            )
        )

    def _write(self, plans: list[Plan], content_type: ContentType, batch: int) -> int:
        with transaction.atomic():
            apps = MerchantApplication.objects.bulk_create([p.app for p in plans], batch_size=batch)
            history, consents, notes = [], [], []
            for plan, app in zip(plans, apps, strict=True):
                for step in plan.steps:
                    history.append(
                        StateLog(
                            timestamp=step.at,
                            by_id=step.by,
                            source_state=step.source,
                            state=step.target,
                            transition=step.transition,
                            content_type=content_type,
                            object_id=app.pk,
                            description=step.description or None,
                        )
                    )
                if plan.steps:
                    consents.append(
                        ConsentRecord(
                            application=app,
                            user_id=app.applicant_id,
                            version=CONSENT_VERSION,
                            accepted_at=app.created_at,
                        )
                    )
                if plan.note:
                    author = next((s.by for s in plan.steps if s.transition == "claim"), None)
                    if author:
                        notes.append(
                            ReviewNote(
                                application=app, author_id=author, text=plan.note, created_at=app.status_changed_at
                            )
                        )
            StateLog.objects.bulk_create(history, batch_size=batch)
            ConsentRecord.objects.bulk_create(consents, batch_size=batch)
            ReviewNote.objects.bulk_create(notes, batch_size=batch)
        return len(history)

    def _staff(self, run: str) -> tuple[list[int], list[int]]:
        """Ten reviewers and two support staff for this run (they appear in the dashboard)."""
        reviewers = self._people(run, "reviewer", 10, Role.REVIEWER, is_staff=True)
        support = self._people(run, "support", 2, Role.SUPPORT, is_staff=True)
        return [u.pk for u in reviewers], [u.pk for u in support]

    def _applicants(self, run: str, n: int, batch: int) -> list[User]:
        return self._people(run, "applicant", n, Role.APPLICANT, batch=batch)

    def _people(
        self, run: str, kind: str, n: int, role: Role, *, is_staff: bool = False, batch: int = 5000
    ) -> list[User]:
        rng = random.Random(f"{run}{kind}")
        unusable = make_password(None)  # bulk people cannot log in until an administrator sets a password
        users = [
            User(
                username=f"bulk-{run}-{kind}-{i}",
                email=f"{kind}{i}.{run}@bulk.pos-portal.invalid",
                password=unusable,
                first_name=rng.choice(GIVEN) + rng.choice(GIVEN),
                last_name=rng.choice(SURNAMES),
                is_staff=is_staff,
                mobile=f"+861{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            )
            for i in range(n)
        ]
        with transaction.atomic():
            users = User.objects.bulk_create(users, batch_size=batch)
            group = Group.objects.get(name=role)
            User.groups.through.objects.bulk_create(
                [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=batch
            )
        return users
