"""Property-based tests of the resident ID, credit code, bank card and mobile validators.

Valid numbers are built here from their parts (with python-stdnum's check-digit arithmetic),
so the properties hold for numbers nobody typed into a fixture.
"""

import datetime
import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from accounts.validators import normalize_cn_mobile
from applications.validators import normalize_card_number, normalize_credit_code, normalize_id_number

# Region codes (GB/T 2260) that stdnum's table knows for every birth year drawn below.
REGIONS = ["110101", "110105", "110108", "120101", "310101", "310104"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z

# --- Resident ID ------------------------------------------------------------------------------


@st.composite
def resident_ids(draw) -> str:
    region = draw(st.sampled_from(REGIONS))
    born = draw(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2008, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    # stdnum's calc_check_digit reads the first 17 characters of a full-length number.
    return body + ric.calc_check_digit(body + "0")


@given(resident_ids())
def test_every_resident_id_built_with_its_check_digit_is_accepted(number):
    assert normalize_id_number(number) == number


@given(resident_ids(), st.sampled_from("0123456789X"))
def test_a_resident_id_with_any_other_check_digit_is_refused(number, digit):
    assume(digit != number[-1])

    with pytest.raises(ValidationError) as refused:
        normalize_id_number(number[:-1] + digit)

    assert refused.value.code == "id_checksum"


@given(resident_ids(), st.integers(min_value=0, max_value=16), st.sampled_from(string.digits))
def test_a_resident_id_with_one_digit_changed_is_refused(number, position, digit):
    assume(number[position] != digit)

    with pytest.raises(ValidationError):
        normalize_id_number(number[:position] + digit + number[position + 1 :])


@given(st.text(alphabet=string.digits + "Xx -", max_size=24))
def test_a_resident_id_validator_answers_any_input_with_a_value_or_a_validation_error(text):
    try:
        result = normalize_id_number(text)
    except ValidationError as exc:
        assert exc.code in {"id_length", "id_checksum", "id_component", "id_invalid"}
    else:
        assert len(result) == 18


@given(st.text(alphabet=string.digits, min_size=1, max_size=30).filter(lambda s: len(s) != 18))
def test_a_resident_id_of_the_wrong_length_says_how_long_it_must_be(text):
    with pytest.raises(ValidationError) as refused:
        normalize_id_number(text)

    assert refused.value.code == "id_length"


# --- Unified social credit code -------------------------------------------------------------------


@st.composite
def credit_codes(draw) -> str:
    authority = draw(st.sampled_from("123456789ANY"))  # letters included: GB 32100 allows A, N, Y
    kind = draw(st.sampled_from(string.digits))
    region = draw(st.sampled_from(REGIONS))
    organisation = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    body = f"{authority}{kind}{region}{organisation}"
    return body + uscc.calc_check_digit(body)


@given(credit_codes())
def test_every_credit_code_built_with_its_check_character_is_accepted(code):
    assert normalize_credit_code(code) == code


@given(credit_codes())
def test_a_credit_code_is_accepted_in_lower_case_and_with_spaces(code):
    assert normalize_credit_code(" " + code.lower()[:9] + " " + code.lower()[9:]) == code


@given(credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_a_credit_code_with_one_character_changed_is_refused(code, position, char):
    assume(code[position] != char)

    with pytest.raises(ValidationError):
        normalize_credit_code(code[:position] + char + code[position + 1 :])


@given(credit_codes(), st.sampled_from("IOSVZ"), st.integers(min_value=8, max_value=16))
def test_a_credit_code_with_a_letter_gb_32100_excludes_is_refused(code, letter, position):
    with pytest.raises(ValidationError) as refused:
        normalize_credit_code(code[:position] + letter + code[position + 1 :])

    assert refused.value.code == "uscc_format"


@given(st.text(max_size=30))
def test_the_credit_code_validator_answers_any_input_with_a_value_or_a_validation_error(text):
    try:
        result = normalize_credit_code(text)
    except ValidationError as exc:
        assert exc.code in {"uscc_length", "uscc_format", "uscc_checksum"}
    else:
        assert len(result) == 18


# --- Bank card ---------------------------------------------------------------------------------


@st.composite
def card_numbers(draw) -> str:
    body = draw(st.text(alphabet=string.digits, min_size=12, max_size=18))
    return body + luhn.calc_check_digit(body)


@given(card_numbers())
def test_every_card_number_with_its_luhn_digit_is_accepted(number):
    assert normalize_card_number(number) == number


@given(card_numbers(), st.integers(min_value=1, max_value=6))
def test_a_card_number_is_accepted_in_groups_with_spaces_or_dashes(number, group):
    spaced = " ".join(number[i : i + group] for i in range(0, len(number), group))

    assert normalize_card_number(spaced) == number
    assert normalize_card_number(spaced.replace(" ", "-")) == number


@given(card_numbers(), st.data())
def test_a_card_number_with_one_digit_changed_is_refused(number, data):
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
    digit = data.draw(st.sampled_from(string.digits).filter(lambda d: d != number[position]))

    with pytest.raises(ValidationError) as refused:
        normalize_card_number(number[:position] + digit + number[position + 1 :])

    assert refused.value.code == "card_checksum"


@given(st.text(alphabet=string.digits, min_size=1, max_size=30).filter(lambda s: not 13 <= len(s) <= 19))
def test_a_card_number_of_the_wrong_length_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        normalize_card_number(text)

    assert refused.value.code == "card_length"


@given(st.text(max_size=25))
def test_the_card_validator_answers_any_input_with_a_value_or_a_validation_error(text):
    try:
        result = normalize_card_number(text)
    except ValidationError as exc:
        assert exc.code in {"card_digits", "card_length", "card_checksum"}
    else:
        assert result.isdigit() and luhn.is_valid(result)


# --- Mobile ----------------------------------------------------------------------------------


@given(
    st.sampled_from("3456789"),
    st.text(alphabet=string.digits, min_size=9, max_size=9),
    st.sampled_from(["", "+86", "0086", "86"]),
)
def test_every_mainland_mobile_is_stored_as_plus_86(second, rest, prefix):
    number = f"1{second}{rest}"

    assert normalize_cn_mobile(prefix + number) == "+86" + number
    assert normalize_cn_mobile(f"{number[:3]} {number[3:7]} {number[7:]}") == "+86" + number


# --- Numbers as people type them: spaces, full-width digits, a lower-case x, dashes, +86 -------------

FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
# Digits of other scripts: str.isdigit() and \d accept them, int() reads them; none may be stored.
FOREIGN_DIGITS = "٠١٢٣٤٥٦٧٨٩" + "०१२३४५६७८९" + "๐๑๒๓๔๕๖๗๘๙"
separators = st.sampled_from([" ", "  ", "\u3000", "-", "－", " - ", "\t"])


def spread(number: str, cuts: list[int], separator: str) -> str:
    """The number with a separator at each cut, as it is written on a card or a form."""
    points = sorted({c % len(number) for c in cuts} - {0})
    parts = [number[i:j] for i, j in zip([0, *points], [*points, len(number)], strict=True)]
    return separator.join(parts)


@given(resident_ids(), st.lists(st.integers(1, 17), max_size=4), separators, st.booleans(), st.booleans())
def test_a_resident_id_typed_with_spaces_full_width_digits_or_a_lower_case_x_is_stored_normalised(
    number, cuts, separator, full_width, lower
):
    typed = spread(number, cuts, separator)
    typed = typed.lower() if lower else typed
    typed = typed.translate(FULL_WIDTH) if full_width else typed

    assert normalize_id_number(f" {typed} ") == number


@given(credit_codes(), st.lists(st.integers(1, 17), max_size=3), separators)
def test_a_credit_code_typed_in_full_width_with_separators_is_stored_normalised(code, cuts, separator):
    typed = full_width(spread(code.lower(), cuts, separator))

    assert normalize_credit_code(typed) == code


def full_width(text: str) -> str:
    """ASCII letters and digits as a Chinese keyboard in full-width mode types them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@given(card_numbers(), st.lists(st.integers(1, 18), max_size=5), separators, st.booleans())
def test_a_card_number_typed_with_any_spaces_or_full_width_digits_is_stored_as_ascii_digits(
    number, cuts, separator, full_width
):
    typed = spread(number, cuts, separator)

    assert normalize_card_number(typed.translate(FULL_WIDTH) if full_width else typed) == number


@given(
    st.sampled_from("3456789"),
    st.text(alphabet=string.digits, min_size=9, max_size=9),
    st.sampled_from(["", "+86", "+86 ", "+86-", "0086 ", "(+86) ", "86-"]),
    st.sampled_from(["{}{}{}", "{} {} {}", "{}-{}-{}", "{}－{}－{}", "{}\u3000{}\u3000{}"]),
    st.booleans(),
)
def test_a_mobile_typed_with_dashes_spaces_or_plus_86_or_in_full_width_is_stored_as_plus_86(
    second, rest, prefix, layout, full_width
):
    number = f"1{second}{rest}"
    typed = prefix + layout.format(number[:3], number[3:7], number[7:])

    assert normalize_cn_mobile(typed.translate(FULL_WIDTH) if full_width else typed) == "+86" + number


@given(st.text(alphabet=string.digits + FOREIGN_DIGITS + "０１２３４５６７８９ +-－\u3000", max_size=20))
def test_the_mobile_validator_stores_ascii_digits_only_whatever_digits_were_typed(text):
    try:
        result = normalize_cn_mobile(text)
    except ValidationError as exc:
        assert exc.code == "invalid_mobile"
    else:
        assert result.startswith("+861") and len(result) == 14
        assert result[1:].isascii() and result[1:].isdigit()


@given(
    st.sampled_from("3456789"),
    st.text(alphabet=string.digits, min_size=9, max_size=9),
    st.integers(0, 10),
    st.sampled_from(FOREIGN_DIGITS),
)
def test_a_mobile_with_one_digit_of_another_script_is_refused(second, rest, position, foreign):
    number = list(f"1{second}{rest}")
    number[position] = foreign

    with pytest.raises(ValidationError):
        normalize_cn_mobile("".join(number))


@given(resident_ids(), st.integers(0, 16), st.sampled_from(FOREIGN_DIGITS))
def test_a_resident_id_with_a_digit_of_another_script_is_refused(number, position, foreign):
    with pytest.raises(ValidationError):
        normalize_id_number(number[:position] + foreign + number[position + 1 :])


@given(card_numbers(), st.data())
def test_a_card_number_with_a_digit_of_another_script_is_refused(number, data):
    position = data.draw(st.integers(0, len(number) - 1))
    foreign = data.draw(st.sampled_from(FOREIGN_DIGITS))

    with pytest.raises(ValidationError) as refused:
        normalize_card_number(number[:position] + foreign + number[position + 1 :])

    assert refused.value.code == "card_digits"
