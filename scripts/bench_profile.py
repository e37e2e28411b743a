#!/usr/bin/env python
"""Profile staff pages in-process (cProfile, the test client, template rendering included).

    DATABASE_URL=postgres://…/<name>_bench_100000 .venv/bin/python scripts/bench_profile.py \
        --rounds 30 "/applications/review/" "/applications/review/{review}/"

Logs the bench's staff member in (made by `make bench`'s prepare step), requests each page
`--rounds` times after two warm-up requests, and prints the functions with the most own time
and the most cumulative time, for each page: what dominates a page once its SQL is fast.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_EMAIL = "bench.staff@bench.pos-portal.invalid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--top", type=int, default=18)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pos_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("BENCH_FLOOR", "true")
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from applications.models import MerchantApplication

    client = Client()
    client.force_login(User.objects.get(email=BENCH_EMAIL))
    review = MerchantApplication.objects.filter(status="submitted").order_by("status_changed_at", "id").first()
    for raw in args.paths:
        path = raw.replace("{review}", review.reference if review else "")
        for _ in range(2):
            response = client.get(path, HTTP_HOST="localhost")
            assert response.status_code == 200, (path, response.status_code, response.get("Location"))
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.rounds):
            client.get(path, HTTP_HOST="localhost")
        profile.disable()
        took = (time.perf_counter() - started) / args.rounds * 1000
        print(f"\n## {path}: {took:.1f} ms per request (profiled)\n")
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


if __name__ == "__main__":
    main()
