#!/usr/bin/env python
"""Time the staff pages against a trivial page of the same site (docs/benchmarks.md).

Every page goes through the same middleware, logged in as the same reviewer, with the
Django test client in one process (no network, no server threads: what is measured is
the page's own work). Run against a database filled by `manage.py seed_bulk`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/issue4_bench \\
        .venv/bin/python scripts/bench_pages.py --requests 50

Prints the median and 95th percentile of each page in milliseconds and its ratio to the
trivial page. The dashboard is timed twice: with its figures kept (what staff get with beat
running) and recomputed (the cache emptied before every request, as when no worker runs).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pos_portal.settings")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role, grant_admin_permissions  # noqa: E402
from applications.models import MerchantApplication  # noqa: E402

BENCH_EMAIL = "bench.reviewer@bench.pos-portal.invalid"


def reviewer() -> User:
    user, _created = User.objects.get_or_create(
        email=BENCH_EMAIL, defaults={"username": "bench-reviewer", "is_staff": True, "first_name": "Bench"}
    )
    user.groups.add(Group.objects.get(name=Role.REVIEWER))
    grant_admin_permissions()
    return user


def measure(client: Client, pages: list[tuple[str, str, object]], n: int) -> dict[str, list[float]]:
    """Round-robin over the pages, so that a busy moment of the machine slows them all alike."""
    samples: dict[str, list[float]] = {label: [] for label, _url, _before in pages}
    for round_ in range(n + 3):  # the first three rounds warm up connections, templates, caches
        for label, url, before in pages:
            if before:
                before()  # type: ignore[operator]
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if round_ >= 3:
                samples[label].append(elapsed)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(reviewer())
    total = MerchantApplication.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}, applications: {total}")

    oldest_unassigned = (
        MerchantApplication.objects.filter(status="submitted").order_by("status_changed_at", "id").first().reference
    )
    pages = [
        ("trivial page (home, logged in)", "/", None),
        ("queue: Unassigned (default)", "/applications/review/", None),
        ("queue: All", "/applications/review/?tab=all", None),
        ("queue: All, Guangdong, over SLA", "/applications/review/?tab=all&province=44&age=sla", None),
        ("queue: search by name", "/applications/review/?tab=all&q=%E7%8E%8B%E4%BC%9F", None),
        ("review page (oldest unassigned)", f"/applications/review/{oldest_unassigned}/", None),
        ("dashboard (figures kept, beat running)", "/installations/dashboard/", None),
        ("dashboard (recomputed: no worker)", "/installations/dashboard/", cache.clear),
        ("staff dashboard with terminals (menu's)", "/support/dashboard/", None),
        ("admin changelist", "/admin/applications/merchantapplication/", None),
    ]
    samples = measure(client, pages, args.requests)
    results = [
        (label, statistics.median(times), statistics.quantiles(times, n=20)[-1]) for label, times in samples.items()
    ]
    base = results[0][1]
    print(f"{'page':<36} {'median ms':>10} {'p95 ms':>8} {'× trivial':>10}")
    for label, median, p95 in results:
        print(f"{label:<36} {median:>10.1f} {p95:>8.1f} {median / base:>10.2f}")


if __name__ == "__main__":
    main()
