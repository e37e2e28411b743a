"""Two sessions act on the same application at once, on PostgreSQL: exactly one lands."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from applications import services as app
from applications.choices import Status
from applications.models import MerchantApplication
from core.errors import Conflict, WorkflowError
from tests.conftest import history_of, needs_postgres

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def tick(application: MerchantApplication, by) -> None:
    app.application_save_checklist(application=application, by=by, checks=dict.fromkeys(app.REVIEW_CHECKLIST, True))


def race(actions: list[Callable[[], object]]) -> list[object]:
    """Run the actions in threads released at the same instant; return each result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def worker(i: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_reviewers_claiming_at_once_one_gets_it_the_other_is_told_who(reviewer, other_reviewer, application_in):
    submitted = application_in(Status.SUBMITTED)
    copies = [MerchantApplication.objects.get(pk=submitted.pk) for _ in range(2)]

    results = race(
        [
            lambda: app.application_claim(application=copies[0], by=reviewer),
            lambda: app.application_claim(application=copies[1], by=other_reviewer),
        ]
    )

    wins = [r for r in results if isinstance(r, MerchantApplication)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW
    assert str(submitted.reviewer) in conflicts[0].message
    claims = [row for row in history_of(submitted) if row.transition == "claim"]
    assert len(claims) == 1 and claims[0].by == submitted.reviewer


def test_approve_and_reject_at_once_only_one_decision_lands(reviewer, application_in):
    held = application_in(Status.IN_REVIEW)
    tick(held, reviewer)
    copies = [MerchantApplication.objects.get(pk=held.pk) for _ in range(2)]

    results = race(
        [
            lambda: app.application_approve(application=copies[0], by=reviewer),
            lambda: app.application_reject(application=copies[1], by=reviewer, reason="risk", message="no"),
        ]
    )

    assert sum(isinstance(r, MerchantApplication) for r in results) == 1, results
    assert sum(isinstance(r, WorkflowError) for r in results) == 1, results
    held.refresh_from_db()
    decisions = [row for row in history_of(held) if row.transition in ("approve", "reject")]
    assert len(decisions) == 1
    assert held.status == decisions[0].state


def test_a_double_submit_from_two_tabs_submits_once(applicant, application_in):
    draft = application_in(Status.DRAFT)
    copies = [MerchantApplication.objects.get(pk=draft.pk) for _ in range(2)]

    results = race([lambda c=c: app.application_submit(application=c, by=applicant) for c in copies])

    assert sum(isinstance(r, MerchantApplication) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert [row.transition for row in history_of(draft)].count("submit") == 1


def test_two_approvals_in_the_same_prefix_get_different_merchant_ids(
    reviewer, other_reviewer, applicant, application_in
):
    first = application_in(Status.SUBMITTED)
    second = application_in(Status.SUBMITTED)
    tick(app.application_claim(application=first, by=reviewer), reviewer)
    tick(app.application_claim(application=second, by=other_reviewer), other_reviewer)
    a = MerchantApplication.objects.get(pk=first.pk)
    b = MerchantApplication.objects.get(pk=second.pk)

    results = race(
        [
            lambda: app.application_approve(application=a, by=reviewer),
            lambda: app.application_approve(application=b, by=other_reviewer),
        ]
    )

    assert all(isinstance(r, MerchantApplication) for r in results), results
    mids = set(MerchantApplication.objects.filter(pk__in=[a.pk, b.pk]).values_list("merchant_id", flat=True))
    assert len(mids) == 2
