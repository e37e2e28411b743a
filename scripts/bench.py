#!/usr/bin/env python
"""`make bench`: every page against the floor, under load, and delivery against a no-op task.

For each size (applications, `--sizes "1000 100000"`) it fills a database of its own on the
PostgreSQL server of DATABASE_URL (named after it: `<name>_bench_<size>`, kept for the next
run), starts gunicorn (4 workers) on 127.0.0.1 with a redis-server of its own on a free port
(cache and broker), and prints:

1. each page's median and 95th percentile over sequential requests, as a ratio to the floor
   (`/bench/floor/`: logged in, same middleware, no template) and to the home page;
2. with two sizes, each page's ratio of the larger to the smaller;
3. requests per second under load (wrk, on loopback only, bounded in time and connections),
   each page against the floor, and the floor without persistent database connections;
4. delivery: notifications sent per second by one real Celery worker on Redis, against the
   same worker running no-op tasks.

Nothing here listens beyond 127.0.0.1, and every process it starts is stopped when it ends.
docs/benchmarks.md says how to read the output.
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BIN = Path(sys.executable).parent
BENCH_EMAIL = "bench.staff@bench.pos-portal.invalid"
SEARCH = quote("王伟")
# Part of a business name, in about one application in eight: a search with many matches.
SEARCH3 = quote("水果店")
# The pages measured: label, path ({review}: the oldest unassigned application), and whether
# the cache is emptied before each request (the dashboard when no worker keeps its figures).
PAGES: list[tuple[str, str, bool]] = [
    ("floor (logged in, no template)", "/bench/floor/", False),
    ("home page (logged in)", "/", False),
    ("queue: Unassigned (default)", "/applications/review/", False),
    ("queue: All", "/applications/review/?tab=all", False),
    ("queue: All, Guangdong, over SLA", "/applications/review/?tab=all&province=44&age=sla", False),
    ("queue: search by name", f"/applications/review/?tab=all&q={SEARCH}", False),
    ("queue: search, 3 letters (trigram)", f"/applications/review/?tab=all&q={SEARCH3}", False),
    ("queue: page 50 of All", "/applications/review/?tab=all&page=50", False),
    ("queue: page 10^9 (bad input)", "/applications/review/?tab=all&page=1000000000", False),
    ("review page (oldest unassigned)", "/applications/review/{review}/", False),
    ("dashboard (figures cached)", "/dashboard/", False),
    ("dashboard (cache emptied each time)", "/dashboard/", True),
    ("support case queue", "/support/queue/", False),
    ("terminal inventory", "/terminals/", False),
    ("inbox (notifications)", "/notifications/", False),
    ("admin: applications", "/admin/applications/merchantapplication/", False),
    ("admin: applications, search", f"/admin/applications/merchantapplication/?q={SEARCH}", False),
    ("admin: applications, ?_facets=True", "/admin/applications/merchantapplication/?_facets=True", False),
    ("admin: outbox", "/admin/notifications/notification/", False),
    # Django's own admin with the same columns, filters and search fields (pos_portal/stock_admin.py).
    ("stock admin: applications", "/bench/stock-admin/applications/merchantapplication/", False),
    ("stock admin: applications, search", f"/bench/stock-admin/applications/merchantapplication/?q={SEARCH}", False),
]
# Our admin's page over the stock admin's: the goal is 0.5 or less.
AGAINST_STOCK = [
    ("admin: applications", "stock admin: applications"),
    ("admin: applications, search", "stock admin: applications, search"),
]
# The pages that read the fleet, on a database of their own with --fleet terminals ({serial}: a
# terminal with an open case, {case}: that case; {far}: a page near the end of the inventory).
FLEET_PAGES: list[tuple[str, str, bool]] = [
    ("floor (logged in, no template)", "/bench/floor/", False),
    ("home page (logged in)", "/", False),
    ("dashboard with the fleet (figures cached)", "/dashboard/", False),
    ("dashboard with the fleet (cache emptied each time)", "/dashboard/", True),
    ("support case queue: open", "/support/queue/", False),
    ("support case queue: resolved", "/support/queue/?show=resolved", False),
    ("support case queue: open, far page", "/support/queue/?page={far_cases}", False),
    ("support case page", "/support/queue/{case}/", False),
    ("terminal inventory", "/terminals/", False),
    ("terminal inventory: Active", "/terminals/?status=active", False),
    ("terminal inventory: far page", "/terminals/?page={far}", False),
    ("terminal inventory: search a serial", "/terminals/?q={serial}", False),
    ("terminal page", "/terminals/{serial}/", False),
    # The fleet's database holds an application per terminal: the admins against a large table.
    *[page for page in PAGES if page[0] in {label for pair in AGAINST_STOCK for label in pair}],
]
LOADED_FLEET = [
    "floor (logged in, no template)",
    "dashboard with the fleet (figures cached)",
    "support case queue: open",
    "terminal inventory",
]
LOADED = [
    "floor (logged in, no template)",
    "home page (logged in)",
    "queue: Unassigned (default)",
    "review page (oldest unassigned)",
    "dashboard (figures cached)",
]


# --- Processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@contextmanager
def started(command: list[str], env: dict[str, str], log: Path, ready: Callable[[], bool], what: str):
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:

        def up() -> bool:
            if proc.poll() is not None:
                raise SystemExit(f"{what} exited:\n{log.read_text()[-3000:]}")
            return ready()

        wait_for(up, 120, what)
        yield proc
    finally:
        stop(proc)


@contextmanager
def redis_server(folder: Path):
    import redis

    port = free_port()
    client = redis.Redis(port=port, socket_connect_timeout=0.5)

    def ping() -> bool:
        try:
            return client.ping()
        except redis.RedisError:
            return False

    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with started([*command, "--dir", str(folder)], dict(os.environ), folder / "redis.log", ping, "redis-server"):
        yield f"redis://127.0.0.1:{port}/0", client


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path):
    def answers() -> bool:
        try:
            return get(port, "/bench/floor/", "")[0] in (200, 302)
        except OSError:
            return False

    command = [str(BIN / "gunicorn"), "pos_portal.wsgi", "--workers", "4", "--bind", f"127.0.0.1:{port}"]
    with started(command, env, log, answers, "gunicorn"):
        yield


# --- Measuring ---------------------------------------------------------------------------


def get(port: int, path: str, cookie: str) -> tuple[int, float]:
    """One request on a new connection (gunicorn's sync workers close each one); status and ms."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Host": "localhost", "Accept-Language": "zh-hans"}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - start) * 1000
    finally:
        conn.close()


def latencies(
    port: int, cookie: str, places: dict[str, str], rounds: int, flush: Callable[[], None], pages: list
) -> dict[str, list[float]]:
    """Round-robin over the pages, so that a busy moment of the machine slows them all alike."""
    samples: dict[str, list[float]] = {label: [] for label, _path, _cold in pages}
    for round_ in range(rounds + 3):  # three rounds to warm each worker's templates and connection
        for label, path, cold in pages:
            if cold:
                flush()
            status, ms = get(port, path.format(**places), cookie)
            if status != 200:
                raise SystemExit(f"{label}: {path} answered {status}")
            if round_ >= 3:
                samples[label].append(ms)
    return samples


def wrk(port: int, path: str, cookie: str, seconds: int, connections: int) -> tuple[float, str]:
    """Requests per second under load, with the errors wrk saw (non-2xx answers, timeouts)."""
    for _ in range(4 * connections):  # every gunicorn worker has loaded the page's code and templates
        get(port, path, cookie)
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-H",
            "Host: localhost",
            "-H",
            "Accept-Language: zh-hans",
            "-H",
            f"Cookie: sessionid={cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = "; ".join(m.strip() for m in re.findall(r"(Non-2xx.*|Socket errors.*)", out))
    return rate, errors


# --- Databases (each step runs in a subprocess set up for that database) --------------------


def database_url(base: str, size: int | str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_bench_{size}"))


def create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def in_django(step: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run a step of this script in a process set up for env's database; its JSON answer."""
    proc = subprocess.run(
        [sys.executable, __file__, step, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"{step} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"{step} gave no answer:\n{proc.stdout[-3000:]}")


def step_prepare(size: int) -> dict[str, Any]:
    """Migrate, seed up to `size` applications (seed_bulk, by its command name), log a staff member in."""
    from django.core.management import call_command
    from django.db import connection

    from applications.models import MerchantApplication

    call_command("migrate", verbosity=0)
    have = MerchantApplication.objects.count()
    seeded = 0.0
    if have < size:
        start = time.monotonic()
        call_command("seed_bulk", str(size - have), "--seed", "1", stdout=sys.stderr)
        seeded = time.monotonic() - start
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    cookie = bench_login()
    review = MerchantApplication.objects.filter(status="submitted").order_by("status_changed_at", "id").first()
    return {
        "applications": MerchantApplication.objects.count(),
        "seeded_seconds": round(seeded, 1),
        "cookie": cookie,
        "places": {"review": review.reference},
    }


def step_prepare_fleet(terminals: int) -> dict[str, Any]:
    """Migrate, seed 1,000 applications and `terminals` live terminals (seed_fleet), log in."""
    from django.core.management import call_command
    from django.db import connection

    from applications.models import MerchantApplication
    from support.models import OPEN_CASE_STATUSES, SupportCase
    from support.selectors import refresh_terminal_health
    from terminals.models import Terminal

    call_command("migrate", verbosity=0)
    start = time.monotonic()
    if (have := MerchantApplication.objects.count()) < 1000:
        call_command("seed_bulk", str(1000 - have), "--seed", "1", stdout=sys.stderr)
    if (have := Terminal.objects.count()) < terminals:
        call_command("seed_fleet", str(terminals - have), "--seed", "1", stdout=sys.stderr)
    seeded = time.monotonic() - start
    if seeded > 1:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    cookie = bench_login()
    # The error codes per day as the periodic job leaves them.
    refresh_terminal_health()
    case = SupportCase.objects.filter(status__in=OPEN_CASE_STATUSES).select_related("terminal").order_by("pk").first()
    count = Terminal.objects.count()
    return {
        "applications": MerchantApplication.objects.count(),
        "terminals": count,
        "seeded_seconds": round(seeded, 1),
        "cookie": cookie,
        "places": {
            "serial": case.terminal.serial_number,
            "case": case.reference,
            "far": max(1, count // 50 - 10),
            "far_cases": max(1, SupportCase.objects.filter(status__in=OPEN_CASE_STATUSES).count() // 50 - 1),
        },
    }


def bench_login() -> str:
    """The bench's staff member (reviewer and support, admin permissions), logged in: the session's cookie."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from accounts.roles import Role, grant_admin_permissions
    from installations.dashboard import refresh_figures

    user, _created = User.objects.get_or_create(
        email=BENCH_EMAIL, defaults={"username": "bench-staff", "is_staff": True, "first_name": "Bench"}
    )
    grant_admin_permissions()
    user.groups.add(*Group.objects.filter(name__in=[Role.REVIEWER, Role.SUPPORT]))
    # Staff work only with an authenticator app (accounts.middleware.StaffTwoFactorMiddleware):
    # without one every staff page would answer a redirect to its set-up.
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    # The dashboard's snapshot as the periodic job leaves it (its rollups: seed_bulk, migrate).
    refresh_figures()
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def step_write_notifications(count: int) -> dict[str, Any]:
    """`count` email notifications, written as one job would, in one transaction."""
    from django.db import transaction

    from accounts.models import User
    from notifications.models import Channel, DeliveryStatus, Notification
    from notifications.services import notify

    Notification.objects.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.FAILED)
    people = list(User.objects.exclude(email="").order_by("pk")[:50])
    start = time.monotonic()
    with transaction.atomic():
        for n in range(count):
            notify(
                recipient=people[n % len(people)],
                template="application.submitted",
                context={"reference": f"PA-BENCH{n:06d}"},
                channels=[Channel.EMAIL],
            )
    return {"written_seconds": round(time.monotonic() - start, 2)}


# --- Delivery against a no-op task ------------------------------------------------------------


def delivery(env: dict[str, str], redis_client: Any, folder: Path, count: int) -> dict[str, float]:
    import psycopg
    from celery import Celery

    from pos_portal.health import HEARTBEAT_KEY

    worker_env = {**env, "EMAIL_URL": "dummymail://", "PYTHONPATH": str(BASE_DIR)}
    command = [str(BIN / "celery"), "-A", "pos_portal", "worker", "-P", "prefork", "-c", "2"]
    command += ["--include", "scripts.bench_tasks", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    app = Celery(broker=env["REDIS_URL"])

    def idle() -> bool:
        return redis_client.llen("celery") == 0 and redis_client.hlen("unacked") == 0

    def noops(n: int) -> None:
        with app.producer_or_acquire() as producer:
            for _ in range(n):
                app.send_task("bench.noop", producer=producer)

    def pending() -> int:
        with psycopg.connect(urlunsplit(urlsplit(env["DATABASE_URL"])._replace(scheme="postgresql"))) as conn:
            return conn.execute("SELECT count(*) FROM notifications_notification WHERE status = 'pending'").fetchone()[
                0
            ]

    def consuming(on: bool) -> None:
        # The worker stays up and warm; only its taking of new messages stops and starts, so
        # that both runs time the worker alone, from a full queue to an empty one.
        if on:
            app.control.add_consumer("celery", reply=True, timeout=10)
        else:
            app.control.cancel_consumer("celery", reply=True, timeout=10)
            wait_for(idle, 60, "the worker to finish what it holds")

    results: dict[str, float] = {}
    redis_client.delete(HEARTBEAT_KEY)
    with started(command, worker_env, folder / "worker.log", lambda: redis_client.exists(HEARTBEAT_KEY), "the worker"):
        noops(20)  # both children up and connected
        wait_for(idle, 60, "the worker to warm up")

        consuming(False)
        start = time.monotonic()
        noops(count)
        results["noop_publish_seconds"] = time.monotonic() - start
        start = time.monotonic()
        consuming(True)
        wait_for(idle, 900, "the no-op tasks to be done")
        results["noop_seconds"] = time.monotonic() - start

        consuming(False)
        results["written_seconds"] = in_django("write-notifications", env, str(count))["written_seconds"]
        start = time.monotonic()
        consuming(True)
        wait_for(lambda: pending() == 0, 900, f"the worker to deliver {count} notifications")
        results["delivery_seconds"] = time.monotonic() - start
    return results


# --- Output ------------------------------------------------------------------------------------


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def bench_env(url: str, redis_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "BENCH_FLOOR": "true",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("DB_CONN_MAX_AGE", None)
    return env


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(
    env: dict[str, str],
    args: argparse.Namespace,
    log: Path,
    prepared: dict[str, Any],
    redis_client: Any,
    pages: list[tuple[str, str, bool]],
    loaded: list[str],
    *,
    no_conn: bool = False,
) -> dict[str, float]:
    """The pages' latencies against the floor, then the loaded ones under wrk; the medians."""
    has_wrk = bool(shutil.which("wrk"))
    cookie, places = prepared["cookie"], prepared["places"]
    rows: list[list[str]] = []
    with gunicorn(env, args.port, log):
        samples = latencies(args.port, cookie, places, args.rounds, redis_client.flushdb, pages)
        medians = {label: statistics.median(times) for label, times in samples.items()}
        floor, home = medians[pages[0][0]], medians[pages[1][0]]
        table_rows = [
            [
                label,
                f"{statistics.median(times):.1f}",
                f"{statistics.quantiles(times, n=20)[-1]:.1f}",
                f"{statistics.median(times) / floor:.2f}",
                f"{statistics.median(times) / home:.2f}",
            ]
            for label, times in samples.items()
        ]
        print(table(table_rows, ["page", "median ms", "p95 ms", "× floor", "× home"]))
        print(f"load average now {load_average()}")
        if not has_wrk:
            print("\n(wrk is not installed: no figures under load. apt-get install wrk)")
            return medians
        print(f"\nUnder load: wrk, {args.connections} connections, {args.load_seconds} s per page")
        rates = {}
        for label, path, _cold in pages:
            if label in loaded:
                rates[label], errors = wrk(
                    args.port, path.format(**places), cookie, args.load_seconds, args.connections
                )
                rows.append([label, f"{rates[label]:.0f}", f"{rates[label] / rates[loaded[0]]:.2f}", errors])
    if no_conn:
        # The floor again, with a new database connection per request (DB_CONN_MAX_AGE=0).
        with gunicorn({**env, "DB_CONN_MAX_AGE": "0"}, args.port, log.with_suffix(".noconn.log")):
            rate, errors = wrk(args.port, pages[0][1], cookie, args.load_seconds, args.connections)
        rows.append(["floor, no persistent connections", f"{rate:.0f}", f"{rate / rates[loaded[0]]:.2f}", errors])
    print(table(rows, ["page", "requests/s", "× floor", "errors"]))
    print(f"load average now {load_average()}")
    return medians


def against_stock(medians: dict[str, float]) -> None:
    for ours, stock in AGAINST_STOCK:
        print(f"{ours} / {stock}: {medians[ours] / medians[stock]:.2f} (goal: 0.5 or less)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000 100000", help='applications per database, e.g. "1000 100000"')
    parser.add_argument("--rounds", type=int, default=30, help="sequential requests per page")
    parser.add_argument("--load-seconds", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections under load")
    parser.add_argument("--deliveries", type=int, default=10_000, help="notifications (and no-op tasks) to send")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8089")))
    parser.add_argument("--delivery-only", action="store_true", help="only the delivery figures")
    parser.add_argument(
        "--fleet", type=int, default=80_000, help="live terminals of the fleet database (0: no fleet pages)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split())
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make bench measures PostgreSQL: set DATABASE_URL=postgres://… (docs/benchmarks.md)")
    if not shutil.which("redis-server"):
        raise SystemExit("make bench starts a redis-server of its own: install Redis (apt-get install redis-server)")
    has_wrk = bool(shutil.which("wrk"))

    print(f"# make bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True)
    print(f"commit: {commit.stdout.strip() or 'unknown'}; sizes: {sizes}; {args.rounds} requests per page")

    medians: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="pos-bench-") as tmp, redis_server(Path(tmp)) as (redis_url, redis_client):
        folder = Path(tmp)
        for size in sizes:
            url = database_url(base_url, size)
            create_database(url)
            env = bench_env(url, redis_url)
            prepared = in_django("prepare", env, str(size))
            print(
                f"\n## {prepared['applications']:,} applications (database {urlsplit(url).path.lstrip('/')}"
                + (f", seeded in {prepared['seeded_seconds']} s" if prepared["seeded_seconds"] else "")
                + ")"
            )
            if not args.delivery_only:
                medians[size] = measure(
                    env, args, folder / f"gunicorn-{size}.log", prepared, redis_client, PAGES, LOADED, no_conn=has_wrk
                )
                against_stock(medians[size])

            if size == sizes[0]:
                print(
                    f"\n## Delivery: {args.deliveries:,} emails vs {args.deliveries:,} no-op tasks, one worker (-c 2)"
                )
                got = delivery(env, redis_client, folder, args.deliveries)
                noop_rate = args.deliveries / got["noop_seconds"]
                delivery_rate = args.deliveries / got["delivery_seconds"]
                print(
                    table(
                        [
                            ["no-op task", f"{got['noop_seconds']:.1f}", f"{noop_rate:.0f}", "1.00"],
                            [
                                "notification delivery",
                                f"{got['delivery_seconds']:.1f}",
                                f"{delivery_rate:.0f}",
                                f"{delivery_rate / noop_rate:.2f}",
                            ],
                        ],
                        ["what", "seconds", "per second", "× no-op"],
                    )
                )
                print(
                    f"(timed from a full queue to an empty one, the worker taking nothing meanwhile: publishing the "
                    f"no-op tasks took {got['noop_publish_seconds']:.1f} s, writing the notifications "
                    f"{got['written_seconds']:.1f} s, neither counted)"
                )
                print(f"load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        if args.fleet and not args.delivery_only:
            url = database_url(base_url, "fleet")
            create_database(url)
            env = bench_env(url, redis_url)
            prepared = in_django("prepare-fleet", env, str(args.fleet))
            print(
                f"\n## A fleet of {prepared['terminals']:,} terminals (database {urlsplit(url).path.lstrip('/')}"
                + (f", seeded in {prepared['seeded_seconds']} s" if prepared["seeded_seconds"] else "")
                + ")"
            )
            fleet = measure(env, args, folder / "gunicorn-fleet.log", prepared, redis_client, FLEET_PAGES, LOADED_FLEET)
            against_stock(fleet)

    if len(sizes) > 1 and not args.delivery_only:
        small, large = sizes[0], sizes[-1]
        print(f"\n## {large:,} / {small:,} applications: each page's median, larger over smaller")
        rows = [
            [
                label,
                f"{medians[small][label]:.1f}",
                f"{medians[large][label]:.1f}",
                f"{medians[large][label] / medians[small][label]:.2f}",
            ]
            for label, _path, _cold in PAGES
        ]
        print(table(rows, ["page", f"{small:,} ms", f"{large:,} ms", "ratio"]))
    print(f"\nload average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in {"prepare", "prepare-fleet", "write-notifications"}:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pos_portal.settings")
        import django

        django.setup()
        steps = {
            "prepare": step_prepare,
            "prepare-fleet": step_prepare_fleet,
            "write-notifications": step_write_notifications,
        }
        print(json.dumps(steps[sys.argv[1]](*(int(a) for a in sys.argv[2:]))))
    else:
        main()
