"""Throughput of the automatic checks and scoring, and the share routed each way (docs/benchmarks.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pos_bench_verification \\
        .venv/bin/python scripts/bench_verification.py --count 10000 --workers 1 2

Seeds COUNT submitted applications (bulk, once; a mix of answers chosen by the digits the
simulators read: docs/verification.md), then, for each number of workers, runs the checks,
the score and the routing of every one of them (verification.services.assess, final: the
retry's backoff is not timed) in that many processes, and prints applications per second per
worker and the share of each route. A second pass runs a sample with the simulators' latency
(each check waits LATENCY ms; the four are asked in parallel). The database must be one of its
own: the script empties the verification tables and the applications it made before each run.
"""

import argparse
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pos_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum import luhn  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

from accounts.models import User  # noqa: E402
from applications.choices import BusinessType, Category, Status  # noqa: E402
from applications.models import CONSENT_VERSION, ApplicationDocument, ConsentRecord, MerchantApplication  # noqa: E402
from core.choices import Province, TerminalModel  # noqa: E402
from verification import services  # noqa: E402
from verification.models import Assessment, Evidence  # noqa: E402

PREFIX = "PA-B"


def _id(i: int, order: int, area: str, rng: random.Random) -> str:
    born = f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    base = f"{area}{born}{order:03d}"
    return base + ric.calc_check_digit(base + "0")


def _pick(rng: random.Random, table: list[tuple[float, int]]) -> int:
    """A scenario code by its share; a plain match (an ordinary 3-digit number) otherwise."""
    roll = rng.random()
    for share, code in table:
        if roll < share:
            return code
        roll -= share
    return rng.randint(100, 899)


# The population: shares of each answer (docs/benchmarks.md says which and why).
IDENTITY = [(0.01, 901), (0.005, 902), (0.003, 903), (0.002, 904)]
CARD = [(0.03, 911), (0.005, 912), (0.003, 913), (0.002, 915)]
BUSINESS = [(0.02, 921), (0.01, 926)]
MOBILE = [(0.04, 936), (0.01, 931)]


def seed(count: int) -> None:
    if MerchantApplication.objects.filter(reference__startswith=PREFIX).count() >= count:
        return
    MerchantApplication.objects.filter(reference__startswith=PREFIX).delete()
    applicants = []
    for n in range(100):
        user, _ = User.objects.get_or_create(
            username=f"bench-applicant-{n}", defaults={"email": f"bench{n}@bench.invalid", "first_name": f"申请{n}"}
        )
        applicants.append(user)
    rng = random.Random(16)
    now = timezone.now()
    rows = []
    for i in range(count):
        licensed = rng.random() < 0.7
        area = "440305" if rng.random() < 0.05 else "110105"
        card_code = _pick(rng, CARD)
        card_base = f"622202{i:09d}{card_code:03d}"
        if rng.random() < 0.01 and i > 0:
            card_base = f"622202{i - 1:09d}{card_code:03d}"  # a card already on another applicant's application
        credit_base = f"92110105MA{i % 10000:04d}{_pick(rng, BUSINESS):03d}"
        name = f"王{i}"
        rows.append(
            MerchantApplication(
                reference=f"{PREFIX}{i:07d}",
                applicant=applicants[i % 100],
                status=Status.SUBMITTED,
                submitted_at=now,
                legal_name=name,
                id_number=_id(i, _pick(rng, IDENTITY), area, rng),
                mobile=f"+86138{i:05d}{_pick(rng, MOBILE):03d}",
                business_type=BusinessType.SOLE_PROPRIETOR if licensed else BusinessType.INDIVIDUAL,
                business_name=f"{name}便利店",
                credit_code=credit_base + uscc.calc_check_digit(credit_base) if licensed else "",
                category=Category.ELECTRONICS if rng.random() < 0.1 else Category.CONVENIENCE,
                province=Province.BEIJING,
                city="北京市",
                district="朝阳区",
                street=f"建国路 {i} 号",
                bank_name="中国工商银行",
                bank_branch="北京建国路支行",
                account_holder=name,
                card_number=card_base + luhn.calc_check_digit(card_base),
                terminal_model=TerminalModel.COUNTERTOP,
                preferred_windows=["weekday_morning"],
            )
        )
    MerchantApplication.objects.bulk_create(rows, batch_size=1000)
    # What a real submission has: its documents (rows only: no check opens the files) and the consent.
    made = list(MerchantApplication.objects.filter(reference__startswith=PREFIX))
    ApplicationDocument.objects.bulk_create(
        [
            ApplicationDocument(
                application=app, kind=kind, file=f"bench/{app.pk}-{kind}.png", content_type="image/png", size=1,
                sha256=f"{app.pk:064d}", uploaded_by=app.applicant,
            )
            for app in made
            for kind in app.required_documents()
        ],
        batch_size=2000,
    )  # fmt: skip
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(application=app, user=app.applicant, version=CONSENT_VERSION) for app in made], batch_size=2000
    )


def reset(count: int) -> list[int]:
    """Every bench application back to submitted, with one running assessment each."""
    apps = MerchantApplication.objects.filter(reference__startswith=PREFIX)
    Evidence.objects.filter(application__in=apps).delete()
    Assessment.objects.filter(application__in=apps).delete()
    apps.update(status=Status.SUBMITTED, reviewer=None, merchant_id=None, review_checklist={})
    chosen = apps.order_by("reference")[:count]
    made = Assessment.objects.bulk_create(
        [Assessment(application=app, version=services.application_version(app)) for app in chosen], batch_size=1000
    )
    return [a.pk for a in made]


def work(ids: list[int]) -> int:
    connections.close_all()  # a forked process opens its own
    for pk in ids:
        services.assess(assessment_id=pk, final=True)
    return len(ids)


def run(ids: list[int], workers: int) -> float:
    chunks = [ids[n::workers] for n in range(workers)]
    connections.close_all()
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(work, chunks)
    return time.monotonic() - started


def shares(ids: list[int]) -> dict[str, float]:
    routes: dict[str, int] = {}
    for route in Assessment.objects.filter(pk__in=ids).values_list("route", flat=True):
        routes[route] = routes.get(route, 0) + 1
    return {route: round(100 * n / len(ids), 1) for route, n in sorted(routes.items(), key=lambda r: -r[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--latency-sample", type=int, default=200)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {os.getloadavg()}")
    settings.VERIFICATION_AUTO_START = False  # the bench starts each assessment itself
    settings.VERIFICATION_SIMULATOR_LATENCY_MS = 0
    started = time.monotonic()
    seed(args.count)
    print(f"seeded {args.count} submitted applications in {time.monotonic() - started:.1f} s")
    services.current_policy()
    services.system_user()
    for workers in args.workers:
        ids = reset(args.count)
        elapsed = run(ids, workers)
        rate = len(ids) / elapsed
        print(
            f"{workers} worker(s), no latency: {len(ids)} in {elapsed:.1f} s = {rate:.1f}/s, "
            f"{rate / workers:.1f}/s per worker; load {os.getloadavg()[0]:.1f}"
        )
        print(f"  routed (% of {len(ids)}): {shares(ids)}")
    if args.latency_sample:
        settings.VERIFICATION_SIMULATOR_LATENCY_MS = args.latency_ms
        ids = reset(args.latency_sample)
        elapsed = run(ids, 1)
        print(
            f"1 worker, {args.latency_ms} ms per check (asked in parallel): {len(ids)} in {elapsed:.1f} s = "
            f"{len(ids) / elapsed:.2f}/s, {1000 * elapsed / len(ids):.0f} ms per application; "
            f"load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
