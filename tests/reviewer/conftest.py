"""Helpers of the reviewer workspace tests: many applications made fast, staff logged in."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from applications.choices import BusinessType, Status
from applications.models import MerchantApplication
from core.choices import Province
from installations.samples import valid_card_number, valid_id_number


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def reference_for(number: int) -> str:
    """A distinct, well-formed application number per integer (tests only: never clashes with PA-DEM…)."""
    digits = ""
    for _ in range(7):
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return "PA-Z" + digits


def bulk_applications(
    owner: User, n: int, *, status: Status = Status.SUBMITTED, reviewer: User | None = None, start: int = 10_000
) -> list[MerchantApplication]:
    """`n` applications written in one statement (not through the services): for volume only."""
    now = timezone.now()
    rows = [
        MerchantApplication(
            applicant=owner,
            reference=reference_for(start + i),
            status=status,
            legal_name=f"批量{i}",
            business_name=f"批量商户{i}",
            business_type=BusinessType.INDIVIDUAL,
            province=Province.GUANGDONG,
            id_number=valid_id_number(start + i),
            card_number=valid_card_number(start + i),
            mobile=f"+86139{start + i:08d}",
            status_changed_at=now - timedelta(hours=1 + i % 50),
            submitted_at=now - timedelta(hours=1 + i % 50),
            reviewer=reviewer,
        )
        for i in range(n)
    ]
    return MerchantApplication.objects.bulk_create(rows, batch_size=500)


@pytest.fixture
def many() -> Callable[..., list[MerchantApplication]]:
    return bulk_applications


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client
