"""Fixtures of the applicant's pages: a signed-in applicant, drafts, and files to upload."""

import io
from collections.abc import Callable

import pikepdf
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications import services
from applications.choices import BusinessType, Category, TimeWindow
from applications.models import MerchantApplication
from core.choices import Province, TerminalModel
from installations.samples import fill, valid_card_number, valid_credit_code, valid_id_number


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Allauth counts attempts in the cache; each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def draft(applicant) -> MerchantApplication:
    return services.application_create(applicant=applicant)


@pytest.fixture
def complete_draft(draft, applicant) -> MerchantApplication:
    """A draft with every field, document and the consent: ready to submit."""
    app = fill(draft, applicant, 7)
    app.refresh_from_db()
    return app


@pytest.fixture
def other_draft(other_applicant) -> MerchantApplication:
    app = services.application_create(applicant=other_applicant)
    return fill(app, other_applicant, 8)


STEP_DATA = {
    "personal": {"legal_name": "王小明", "id_number": valid_id_number(3), "mobile": "138 0013 8000"},
    "business": {
        "business_type": BusinessType.SOLE_PROPRIETOR,
        "business_name": "小明便利店",
        "credit_code": valid_credit_code(3),
        "category": Category.CONVENIENCE,
        "province": Province.BEIJING,
        "city": "北京市",
        "district": "110105",  # 朝阳区, chosen from the division table
        "street": "建国路 1 号",
    },
    "settlement": {
        "bank_name": "中国工商银行",
        "bank_branch": "北京建国路支行",
        "account_holder": "王小明",
        "card_number": valid_card_number(3),
    },
    "terminal": {
        "terminal_model": TerminalModel.COUNTERTOP,
        "install_at_business_address": "on",
        "preferred_windows": [TimeWindow.WEEKDAY_MORNING, TimeWindow.WEEKEND_MORNING],
    },
}


@pytest.fixture
def step_data() -> dict[str, dict]:
    return {step: dict(data) for step, data in STEP_DATA.items()}


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (64, 48), exif: bool = False) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x0131] = "secret-software"  # Software
        image.save(buffer, kind, exif=data.tobytes())
    else:
        image.save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def make_upload() -> Callable[..., SimpleUploadedFile]:
    return upload


def _one_page_pdf() -> bytes:
    # A real one-page document: uploads are rebuilt by pikepdf, which refuses a PDF of no pages.
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


MINIMAL_PDF = _one_page_pdf()
