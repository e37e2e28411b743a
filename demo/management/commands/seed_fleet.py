"""`manage.py seed_fleet N`: a fleet of N live terminals with their reports, warnings and cases.

For the benchmark's fleet database (issue 15), never for production. Like seed_bulk, it walks
ONE sample through the services (an application carried to active with its terminal, reports
stored by `device_report_store`, a case opened and resolved by support's services, the warning
scans), in a transaction it rolls back, and copies what they produced with bulk_create: the
terminal's events, its configuration and sign-in, the kinds and shapes of its reports, its
health, the case with its checks and history lines. Only serials, TIDs, keys, times and codes
vary. The early warnings are then opened by support's own scans over the whole fleet, as the
periodic jobs would (with the merchants' notifications).

Each terminal sits on an active application of its own (seed_bulk's generator, with its
history), reports over the last `--days` days (heartbeats, transactions, sign-ins; a few
percent with an error code), and a few stop reporting, drift from their configuration or
never sell: the open warnings. About 2 % have an open case, 8 % a resolved one.
"""

import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts.roles import Role
from applications.choices import Status
from applications.models import MerchantApplication
from core.choices import TerminalModel
from installations.samples import carry
from support.catalogue import entry
from support.checks import recorded_config
from support.models import CaseEvent, CaseStatus, SupportCase, new_case_reference
from support.selectors import forget_terminal_health_summary
from support.services import (
    case_open,
    case_resolve,
    warnings_scan_drift,
    warnings_scan_idle,
    warnings_scan_no_heartbeat,
)
from terminals.forms import Report
from terminals.models import (
    DeviceEvent,
    EventKind,
    SignIn,
    Terminal,
    TerminalConfiguration,
    TerminalEvent,
    TerminalHealth,
    TerminalStatus,
)
from terminals.selectors import forget_inventory_counts
from terminals.services import _issue_tid, device_report_store

from .seed_bulk import Command as BulkCommand
from .seed_bulk import Generator, _Discard, _timestamps_as_given, in_memory_storages, sample_paths, sample_people

# What a terminal reports, by share: mostly heartbeats and sales, a sign-in now and then.
KINDS = {EventKind.HEARTBEAT: 50, EventKind.TRANSACTION: 42, EventKind.SIGNIN: 8}
# The error codes of a sale (card side, mostly) and of a sign-in (terminal or merchant side).
SALE_ERRORS = {"51": 30, "55": 20, "05": 12, "14": 8, "54": 6, "61": 6, "91": 8, "96": 6, "98": 4}
SIGNIN_ERRORS = {"97": 60, "A0": 25, "03": 15}
SOFTWARE = ["V2.3.1", "V2.3.4", "V2.4.0"]
COMM_MODES = ["ethernet", "cellular", "wifi", "dialup"]
RESOLUTIONS = [
    "远程重新下发参数后签到成功。",
    "收单机构已重新登记终端号，签到成功。",
    "上门更换终端后恢复正常。",
    "商户重新输入主密钥后签到成功。",
]


@dataclass(frozen=True)
class FleetSample:
    """What the services did to one terminal, from stock to a resolved case."""

    events: list[tuple[str, str, str, str]]  # (from, to, note, after which transition)
    configuration: dict
    configured_after: str
    signins: list[tuple[str, str, str]]  # (code, source, detail)
    heartbeat_config_keys: list[str]
    case_checks: list
    case_answers: dict
    case_lines: dict[str, tuple[str, dict]]  # action -> (note, params) as the services wrote them


def _after(moment: datetime, logs: list[StateLog]) -> str:
    """The transition of the application last fired before `moment`: where a copy puts the row."""
    fired = [log.transition for log in logs if log.timestamp <= moment]
    return fired[-1] if fired else logs[0].transition


def sample_fleet() -> FleetSample:
    run = uuid.uuid4().hex[:10]
    try:
        with override_settings(STORAGES=in_memory_storages()), transaction.atomic():
            people = sample_people(run)
            app = MerchantApplication.objects.create(applicant=people["applicant"], reference=f"PA-{run[:8].upper()}")
            app = carry(
                app, Status.ACTIVE, applicant=people["applicant"], reviewer=people["reviewer"],
                installer=people["installer"], support=people["support"],
            )  # fmt: skip
            content_type = ContentType.objects.get_for_model(MerchantApplication)
            logs = list(StateLog.objects.filter(content_type=content_type, object_id=app.pk).order_by("timestamp"))
            terminal = Terminal.objects.get(application=app)
            configuration = TerminalConfiguration.objects.get(application=app, is_current=True)
            now = timezone.now()
            for event_id, kind, code, config in (
                ("s-hb", EventKind.HEARTBEAT, "", recorded_config(configuration)),
                ("s-97", EventKind.SIGNIN, "97", {}),
            ):
                device_report_store(
                    terminal=terminal,
                    report=Report(event_id=event_id, kind=kind, at=now, response_code=code, config=config),
                )
            heartbeat = DeviceEvent.objects.get(terminal=terminal, event_id="s-hb")
            case = case_open(
                terminal=terminal, by=people["applicant"], code="97", answers={"note": "今天早上开始显示无效终端"}
            )
            case_resolve(case=case, by=people["support"], resolution=RESOLUTIONS[0])
            case.refresh_from_db()
            sample = FleetSample(
                events=[
                    (e.from_status, e.to_status, e.note, _after(e.at, logs))
                    for e in TerminalEvent.objects.filter(terminal=terminal).order_by("at", "pk")
                ],
                configuration={
                    name: getattr(configuration, name) for name in ("host", "port", "comm_mode", "is_current")
                },
                configured_after=_after(configuration.configured_at, logs),
                signins=[(s.response_code, s.source, s.detail) for s in SignIn.objects.filter(application=app)],
                heartbeat_config_keys=sorted(heartbeat.config),
                case_checks=case.checks,
                case_answers=case.answers,
                case_lines={e.action: (e.note, e.params) for e in case.events.all()},
            )
            raise _Discard
    except _Discard:
        pass
    return sample


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class Fleet:
    """Makes the rows of each terminal from the sample, varying what varies between terminals."""

    def __init__(self, rng: random.Random, sample: FleetSample, *, run: str, days: int, reports: int, now: datetime):
        self.rng, self.sample, self.run, self.days, self.reports, self.now = rng, sample, run, days, reports, now
        self.count = 0
        # Codes only from support's catalogue: what the diagnosis knows how to read.
        self.sale_errors = {c: w for c, w in SALE_ERRORS.items() if entry(c)}
        self.signin_errors = {c: w for c, w in SIGNIN_ERRORS.items() if entry(c)}

    def rows(self, app: MerchantApplication, steps: dict[str, datetime], people: dict[str, list[int]]) -> dict:
        """Every row of one live terminal of `app` (saved already), keyed by table."""
        rng, sample = self.rng, self.sample
        self.count += 1
        installer = rng.choice(people["installer"])
        by = {"applicant": app.applicant_id, "installer": installer, "support": rng.choice(people["support"])}
        serial = f"FL{self.run[:4].upper()}{self.count:08d}"
        kcv = f"{rng.randrange(16**6):06X}"
        live_since = steps["complete_training"]

        def at(transition: str) -> datetime:
            return steps.get(transition, live_since) + timedelta(seconds=rng.uniform(1, 300))

        terminal = Terminal(
            serial_number=serial, model=app.terminal_model or rng.choice(TerminalModel.values),
            status=TerminalStatus.ACTIVE, application=app, key_check_value=kcv,
            host_registered_at=at("complete_configuration"), created_at=at(sample.events[0][3]) - timedelta(days=3),
        )  # fmt: skip
        configuration = TerminalConfiguration(
            application=app, terminal=terminal, mid=app.merchant_id, key_check_value=kcv,
            configured_by_id=installer, configured_at=at(sample.configured_after),
            **{**sample.configuration, "comm_mode": rng.choice(COMM_MODES)},
        )  # fmt: skip
        events = [
            TerminalEvent(terminal=terminal, from_status=source, to_status=target, note=note, application=app,
                          by_id=installer, at=at(after))
            for source, target, note, after in sample.events
        ]  # fmt: skip
        signins = [
            SignIn(application=app, configuration=configuration, response_code=code, source=source, detail=detail,
                   by_id=installer, at=configuration.configured_at + timedelta(minutes=5))
            for code, source, detail in sample.signins
        ]  # fmt: skip
        reports, health = self._reports(terminal, configuration, live_since)
        cases, lines = self._cases(terminal, app, by, live_since)
        return {
            "terminal": terminal, "configuration": configuration, "events": events, "signins": signins,
            "reports": reports, "health": health, "cases": cases, "lines": lines,
        }  # fmt: skip

    def _reports(
        self, terminal: Terminal, configuration: TerminalConfiguration, live_since: datetime
    ) -> tuple[list[DeviceEvent], TerminalHealth]:
        rng = self.rng
        start = max(live_since, self.now - timedelta(days=self.days))
        # A few terminals fell silent some days ago (no heartbeat: a warning), a few drift.
        silent = rng.random() < 0.02
        end = self.now - timedelta(days=rng.uniform(1.5, min(self.days, 10))) if silent else self.now
        config = {k: v for k, v in recorded_config(configuration).items() if k in self.sample.heartbeat_config_keys}
        if rng.random() < 0.01:
            config["port"] = int(config.get("port") or 0) + 1  # set by hand on the terminal: drift
        version = rng.choice(SOFTWARE)
        health = TerminalHealth(terminal=terminal, software_version=version)
        reports = []
        for n in range(self.reports if end > start else 0):
            # The first is the last heartbeat (a live terminal beats at least daily), the others
            # anywhere in the period.
            when = end - timedelta(hours=rng.uniform(0, 6)) if n == 0 else start + (end - start) * rng.random()
            kind = EventKind.HEARTBEAT if n == 0 else _weighted(rng, KINDS)
            code = ""
            if kind == EventKind.TRANSACTION:
                code = _weighted(rng, self.sale_errors) if rng.random() < 0.04 else "00"
            elif kind == EventKind.SIGNIN:
                code = _weighted(rng, self.signin_errors) if rng.random() < 0.05 else "00"
            report = DeviceEvent(
                terminal=terminal, event_id=f"{terminal.serial_number}-{n}", kind=kind, occurred_at=when,
                received_at=when + timedelta(seconds=rng.uniform(0.05, 2)), response_code=code,
                config=config if kind == EventKind.HEARTBEAT else {},
                software_version=version if kind == EventKind.HEARTBEAT else "",
            )  # fmt: skip
            reports.append(report)
            # The newest of each kind, as device_report_store leaves the health row.
            moment = f"last_{'heartbeat' if kind == EventKind.HEARTBEAT else kind}_at"
            if getattr(health, moment) is None or when >= getattr(health, moment):
                setattr(health, moment, when)
                if kind == EventKind.HEARTBEAT:
                    health.reported_config = config
                if kind == EventKind.SIGNIN:
                    health.last_signin_code = code
            if code and (health.last_code_at is None or when >= health.last_code_at):
                health.last_code, health.last_code_at = code, when
        return reports, health

    def _cases(
        self, terminal: Terminal, app: MerchantApplication, by: dict[str, int], live_since: datetime
    ) -> tuple[list[SupportCase], list[CaseEvent]]:
        rng, sample = self.rng, self.sample
        roll = rng.random()
        if roll >= 0.10:
            return [], []
        resolved = roll >= 0.02
        opened = live_since + (self.now - live_since) * rng.random()
        code = _weighted(rng, self.signin_errors)
        case = SupportCase(
            reference=new_case_reference(), terminal=terminal, application=app, opened_by_id=by["applicant"],
            code=code, checks=sample.case_checks, answers=sample.case_answers, created_at=opened,
            status=CaseStatus.RESOLVED if resolved else CaseStatus.OPEN,
        )  # fmt: skip
        note, params = sample.case_lines["opened"]
        lines = [CaseEvent(case=case, action="opened", by_id=by["applicant"], at=opened, note=note, params=params)]
        if resolved:
            case.resolved_at = opened + timedelta(hours=rng.uniform(0.5, 72))
            case.resolution = rng.choice(RESOLUTIONS)
            _note, params = sample.case_lines["resolved"]
            lines.append(
                CaseEvent(case=case, action="resolved", by_id=by["support"], at=case.resolved_at,
                          note=case.resolution, params=params)
            )  # fmt: skip
        return [case], lines


class Command(BaseCommand):
    help = (
        "Create N live terminals with their applications, reports, health, warnings and cases (bulk, for load tests)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--batch", type=int, default=2000, help="terminals per batch and transaction")
        parser.add_argument("--days", type=int, default=14, help="days of reports (at least 14: the dashboard's)")
        parser.add_argument("--reports", type=int, default=8, help="reports per terminal over those days")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for the same data twice")

    def handle(
        self, *args: object, count: int, batch: int, days: int, reports: int, seed: int | None, **_: object
    ) -> None:
        started = time.monotonic()
        rng = random.Random(seed)
        run = uuid.uuid4().hex[:10]
        bulk = BulkCommand(stdout=self.stdout, stderr=self.stderr)
        people = {
            "reviewer": [u.pk for u in bulk._people(run, "reviewer", 10, Role.REVIEWER, is_staff=True)],
            "support": [u.pk for u in bulk._people(run, "support", 4, Role.SUPPORT, is_staff=True)],
            "installer": [u.pk for u in bulk._people(run, "installer", 40, Role.INSTALLER)],
        }
        applicants = bulk._people(run, "applicant", max(1, count // 2), Role.APPLICANT, batch=5000)
        sample, paths = sample_fleet(), sample_paths()
        self.stdout.write(
            f"  a terminal's and a case's path walked through the services ({time.monotonic() - started:.1f} s)"
        )
        generator = Generator(rng, paths=paths, reviewers=people["reviewer"], support=people["support"], days=365)
        generator.serials_from_database()
        fleet = Fleet(rng, sample, run=run, days=days, reports=reports, now=generator.now)
        content_type = ContentType.objects.get_for_model(MerchantApplication)
        made = 0
        with _timestamps_as_given():
            while made < count:
                size = min(batch, count - made)
                plans = [
                    generator.application(applicants[(made + i) % len(applicants)], Status.ACTIVE) for i in range(size)
                ]
                with transaction.atomic():
                    bulk._write(plans, content_type, batch)
                    rows = [fleet.rows(p.app, {s.transition: s.at for s in p.steps}, people) for p in plans]
                    self._write(rows, batch)
                made += size
                self.stdout.write(f"  {made}/{count} terminals ({time.monotonic() - started:.0f} s)")
        # The periodic scans, over the whole fleet as it now is: the open warnings and their notices.
        opened = sum(len(scan()) for scan in (warnings_scan_no_heartbeat, warnings_scan_idle, warnings_scan_drift))
        # Bulk rows skip the services: what the pages keep of the fleet is forgotten once, here.
        forget_inventory_counts()
        forget_terminal_health_summary()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {made} live terminals, {made * reports} reports, {opened} open warnings, "
                f"{SupportCase.objects.filter(terminal__serial_number__startswith=f'FL{run[:4].upper()}').count()} cases "
                f"in {time.monotonic() - started:.1f} s (run {run})."
            )
        )

    def _write(self, rows: list[dict], batch: int) -> None:
        def each(key: str) -> list:
            return [item for r in rows for item in (r[key] if isinstance(r[key], list) else [r[key]])]

        # Each insert gives its rows their keys; the rows made with them as objects take those
        # keys when they are inserted in turn (Django fills a foreign key from a saved object).
        terminals = Terminal.objects.bulk_create(each("terminal"), batch_size=batch)
        # The TID the services issue, derived from the terminal's key (terminals.services).
        for r in rows:
            r["terminal"].tid = r["configuration"].tid = _issue_tid(r["terminal"])
            if "tid" in r["health"].reported_config:  # the one dict its heartbeats report
                r["health"].reported_config["tid"] = r["terminal"].tid
        Terminal.objects.bulk_update(terminals, ["tid"], batch_size=batch)
        TerminalConfiguration.objects.bulk_create(each("configuration"), batch_size=batch)
        SignIn.objects.bulk_create(each("signins"), batch_size=batch)
        TerminalEvent.objects.bulk_create(each("events"), batch_size=batch)
        TerminalHealth.objects.bulk_create(each("health"), batch_size=batch)
        DeviceEvent.objects.bulk_create(each("reports"), batch_size=batch)
        SupportCase.objects.bulk_create(each("cases"), batch_size=batch)
        CaseEvent.objects.bulk_create(each("lines"), batch_size=batch)
