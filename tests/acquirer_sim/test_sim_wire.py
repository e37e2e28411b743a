"""The sign-in codec: documented bytes, round trips and refusals."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import iso8583
import pytest
from hypothesis import given
from hypothesis import strategies as st

from acquirer_sim import wire
from acquirer_sim.registry import Registry
from acquirer_sim.server import process_message

TID = "10000001"
MID = "898621045311234"

# The example printed in README.md; a change here is a change of the wire format.
README_REQUEST = b"".join(
    [
        b"\x00\x54",  # length header: 84 bytes follow
        b"0800",  # MTI
        b"2030000000C00014",  # bitmap: fields 3, 11, 12, 41, 42, 60, 62
        b"990000",  # 3 processing code
        b"000123",  # 11 STAN
        b"093015",  # 12 local time
        b"10000001",  # 41 TID
        b"898621045311234",  # 42 MID
        b"011" + b"00000001003",  # 60 network data: LLL length, then the data
        b"006" + b"ABC123",  # 62 KCV: LLL length, then the data
    ]
)
README_RESPONSE = b"".join(
    [
        b"\x00\x51",  # length header: 81 bytes follow
        b"0810",  # MTI
        b"2220000002C00010",  # bitmap: fields 3, 7, 11, 39, 41, 42, 60
        b"990000",  # 3 processing code, echoed
        b"1124093016",  # 7 host time, UTC
        b"000123",  # 11 STAN, echoed
        b"00",  # 39 response code
        b"10000001",  # 41 TID, echoed
        b"898621045311234",  # 42 MID, echoed
        b"011" + b"00000001003",  # 60 network data, echoed
    ]
)

tids = st.from_regex(r"[0-9A-Z]{8}", fullmatch=True)
mids = st.from_regex(r"[0-9A-Z]{15}", fullmatch=True)
kcvs = st.from_regex(r"[0-9A-Fa-f]{6}", fullmatch=True)
stans = st.from_regex(r"[0-9]{6}", fullmatch=True)
times = st.times().map(lambda t: t.strftime("%H%M%S"))
network_data = st.none() | st.from_regex(r"[0-9]{1,17}", fullmatch=True)
requests = st.builds(
    wire.SignInRequest,
    tid=tids,
    mid=mids,
    kcv=kcvs,
    stan=stans,
    local_time=times,
    network_data=network_data,
)
responses = st.builds(
    wire.SignInResponse,
    response_code=st.from_regex(r"[0-9A-Z]{2}", fullmatch=True),
    stan=st.none() | stans,
    tid=st.none() | tids,
    mid=st.none() | mids,
    host_time=st.none() | st.datetimes(min_value=datetime(2000, 1, 1)).map(lambda d: d.strftime("%m%d%H%M%S")),
    network_data=network_data,
    processing_code=st.none() | st.just(wire.SIGN_IN_PROCESSING_CODE),
)


def a_request(**overrides: str) -> wire.SignInRequest:
    fields = {"tid": TID, "mid": MID, "kcv": "ABC123", "stan": "000123", "local_time": "093015"}
    return wire.SignInRequest(**{**fields, **overrides})


def raw(mti: str, **fields: str) -> bytes:
    """An ISO 8583 message built around the codec, to send what it would refuse."""
    message, _ = iso8583.encode({"t": mti, **fields}, wire.SPEC)
    return bytes(message)


def valid_fields() -> dict[str, str]:
    return {"3": "990000", "11": "000123", "12": "093015", "41": TID, "42": MID, "62": "ABC123"}


def test_it_encodes_the_request_shown_in_the_readme_byte_for_byte() -> None:
    request = a_request(network_data="00000001003")

    assert wire.frame(wire.encode_request(request)) == README_REQUEST


def test_it_answers_the_readme_request_with_the_readme_response() -> None:
    registry = Registry()
    registry.put_merchant(MID)
    registry.put_terminal(TID, mid=MID, kcv="ABC123")

    response, _ = process_message(README_REQUEST[2:], registry, now=datetime(2026, 11, 24, 9, 30, 16, tzinfo=UTC))

    assert wire.frame(response) == README_RESPONSE


@given(requests)
def test_a_request_survives_an_encode_decode_round_trip(request: wire.SignInRequest) -> None:
    assert wire.decode_request(wire.encode_request(request)) == request


@given(responses)
def test_a_response_survives_an_encode_decode_round_trip(response: wire.SignInResponse) -> None:
    assert wire.decode_response(wire.encode_response(response)) == response


@given(st.binary(max_size=wire.MAX_MESSAGE_LENGTH))
def test_the_frame_header_is_the_big_endian_length(message: bytes) -> None:
    framed = wire.frame(message)

    assert int.from_bytes(framed[:2], "big") == len(message)
    assert framed[2:] == message


def test_it_refuses_to_frame_a_message_over_the_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        wire.frame(b"x" * (wire.MAX_MESSAGE_LENGTH + 1))


prefixes = st.sampled_from([b"", b"0800", b"0800FFFFFFFFFFFFFFFF", b"08002030000000C00014", b"0800E000000000000000"])


@given(prefixes, st.binary(max_size=300))
def test_decoding_arbitrary_bytes_fails_only_with_malformed_message(prefix: bytes, tail: bytes) -> None:
    with contextlib.suppress(wire.MalformedMessage):
        wire.decode_request(prefix + tail)


@given(prefixes, st.binary(max_size=300))
def test_the_host_answers_any_bytes_with_a_readable_0810(prefix: bytes, tail: bytes) -> None:
    response, record = process_message(prefix + tail, Registry(), now=datetime.now(UTC))

    decoded = wire.decode_response(response)
    assert decoded.response_code in {"30", "97"}
    assert record.response_code == decoded.response_code


def test_it_refuses_a_message_type_other_than_0800() -> None:
    with pytest.raises(wire.MalformedMessage, match="message type '0200'"):
        wire.decode_request(raw("0200", **valid_fields()))


@pytest.mark.parametrize("field", ["3", "11", "12", "41", "42", "62"])
def test_it_refuses_a_request_missing_a_required_field(field: str) -> None:
    fields = valid_fields()
    del fields[field]

    with pytest.raises(wire.MalformedMessage, match=f"missing fields {field}$"):
        wire.decode_request(raw("0800", **fields))


def test_it_refuses_a_request_with_a_field_it_does_not_define() -> None:
    with pytest.raises(wire.MalformedMessage, match="unexpected fields 13"):
        wire.decode_request(raw("0800", **valid_fields(), **{"13": "1124"}))


def test_it_refuses_a_request_with_a_secondary_bitmap() -> None:
    with pytest.raises(wire.MalformedMessage, match="unexpected fields 1, 70"):
        wire.decode_request(raw("0800", **valid_fields(), **{"70": "001"}))


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("3", "000000", "processing code"),
        ("11", "00012A", "STAN"),
        ("12", "250000", "local time"),
        ("12", "126000", "local time"),
        ("41", "1000000a", "TID"),
        ("42", "89862104531123 ", "MID"),
        ("62", "ABC12G", "KCV"),
        ("62", "ABC1234", "KCV"),
        ("60", "0000000100A", "network data"),
    ],
)
def test_it_refuses_a_badly_formed_field(field: str, value: str, complaint: str) -> None:
    with pytest.raises(wire.MalformedMessage, match=complaint):
        wire.decode_request(raw("0800", **{**valid_fields(), field: value}))


def test_it_refuses_bytes_that_are_not_ascii() -> None:
    message = raw("0800", **valid_fields()).replace(MID.encode(), "89862104531123é".encode("latin-1"))

    with pytest.raises(wire.MalformedMessage, match="not ISO 8583"):
        wire.decode_request(message)


def test_a_refusal_keeps_the_fields_decoded_so_far_for_the_answer() -> None:
    with pytest.raises(wire.MalformedMessage) as caught:
        wire.decode_request(raw("0800", **{**valid_fields(), "62": "XYZ"}))

    assert caught.value.fields["11"] == "000123"
    assert caught.value.fields["41"] == TID


def test_a_refusal_never_repeats_what_was_sent_in_the_kcv_field() -> None:
    clear_key = "0123456789ABCDEFFEDCBA9876543210"

    with pytest.raises(wire.MalformedMessage) as caught:
        wire.decode_request(raw("0800", **{**valid_fields(), "62": clear_key}))

    assert clear_key not in str(caught.value)
    assert "32 characters" in str(caught.value)


def test_a_refusal_tells_only_the_length_of_a_bad_mid_since_logs_mask_mids() -> None:
    with pytest.raises(wire.MalformedMessage) as caught:
        wire.decode_request(raw("0800", **{**valid_fields(), "42": "89862104531123x"}))

    assert "89862104531123x" not in str(caught.value)
    assert "15 characters" in str(caught.value)


@pytest.mark.parametrize(
    "overrides",
    [{"tid": "1000001"}, {"mid": "8986"}, {"kcv": "ABCDEFG"}, {"stan": "1"}, {"local_time": "9:30"}],
)
def test_it_will_not_build_a_request_it_could_not_send(overrides: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        a_request(**overrides)


def test_an_answer_echoes_only_the_well_formed_request_fields() -> None:
    response = wire.SignInResponse.echoing({"11": "000123", "41": "bad", "42": MID}, "30")

    assert (response.stan, response.tid, response.mid) == ("000123", None, MID)


def test_it_refuses_a_response_without_a_response_code() -> None:
    with pytest.raises(wire.MalformedMessage, match="missing fields 39"):
        wire.decode_response(raw("0810", **{"11": "000123"}))
