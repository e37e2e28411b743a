import logging

from hypothesis import given
from hypothesis import strategies as st

from core.masking import MaskPersonalDataFilter, mask_card, mask_id_number, mask_mobile, mask_numbers_in_text


def test_it_masks_an_id_number_to_its_region_and_last_four():
    assert mask_id_number("110105198001030025") == "110105********0025"


def test_it_masks_a_card_to_its_issuer_prefix_and_last_four():
    assert mask_card("6222020000000000018") == "6222***********0018"


def test_it_masks_a_mobile_keeping_the_country_code():
    assert mask_mobile("+8613800138000") == "+86138****8000"


def test_empty_values_stay_empty():
    assert mask_id_number("") == mask_card(None) == mask_mobile("") == ""


@given(st.from_regex(r"1[3-9][0-9]{9}|[0-9]{17}[0-9X]|[0-9]{16,19}", fullmatch=True))
def test_no_long_number_survives_in_text(number):
    masked = mask_numbers_in_text(f"applicant {number} submitted")
    assert number not in masked
    assert masked.startswith("applicant ") and masked.endswith(" submitted")


def test_log_records_never_carry_a_whole_personal_number(caplog):
    logger = logging.getLogger("tests.masking")
    logger.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="tests.masking"):
        logger.info("card %s for id %s", "6222020000000000018", "110105198001030025")
    assert "6222020000000000018" not in caplog.text
    assert "110105198001030025" not in caplog.text
    assert "0018" in caplog.text


def test_numbers_written_in_groups_are_masked_too():
    text = mask_numbers_in_text("mobile 138 0013 8000, card 6222-0200-1234-5678, id 110105 19800103 0025")
    for whole in ("138 0013 8000", "6222-0200-1234-5678", "110105 19800103 0025", "13800138000"):
        assert whole not in text
    assert "138****8000" in text


def test_short_numbers_and_dates_are_left_alone():
    text = "visit 2026-12-08 10:00, 3 visits, code 00, TID 10000001"
    assert mask_numbers_in_text(text) == text


def test_a_traceback_in_a_log_record_is_masked(caplog):
    logger = logging.getLogger("tests.masking.tb")
    logger.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.ERROR, logger="tests.masking.tb"):
        try:
            raise ValueError("bad card 6222020000000000018")
        except ValueError:
            logger.exception("delivery failed")
    assert "6222020000000000018" not in caplog.text
    assert "delivery failed" in caplog.text
