"""The sign-in wire format: ISO 8583 (ASCII) behind a 2-byte length header.

README.md describes the format field by field; this module is its executable
form, and anything that disagrees with README.md here is a bug in one of them.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import iso8583
from iso8583.specs import default_ascii

# The stock ASCII spec already fits every field used here, so a client built on
# pyiso8583 only needs `iso8583.specs.default_ascii` plus the framing below.
SPEC: Final = default_ascii

# Unsigned big-endian length of the ISO 8583 message, header excluded.
LENGTH_HEADER: Final = struct.Struct(">H")
# A sign-in is about 100 bytes. A larger claimed length means the peer is not
# speaking this protocol (e.g. b"GE" from an HTTP client reads as 18245), so the
# host drops the connection instead of waiting for bytes that will never come.
MAX_MESSAGE_LENGTH: Final = 2048

REQUEST_MTI: Final = "0800"
RESPONSE_MTI: Final = "0810"
SIGN_IN_PROCESSING_CODE: Final = "990000"

F_PROCESSING_CODE: Final = "3"
F_TRANSMISSION_TIME: Final = "7"
F_STAN: Final = "11"
F_LOCAL_TIME: Final = "12"
F_RESPONSE_CODE: Final = "39"
F_TID: Final = "41"
F_MID: Final = "42"
F_NETWORK_DATA: Final = "60"
F_KCV: Final = "62"

REQUEST_REQUIRED: Final = frozenset({F_PROCESSING_CODE, F_STAN, F_LOCAL_TIME, F_TID, F_MID, F_KCV})
REQUEST_OPTIONAL: Final = frozenset({F_NETWORK_DATA})
RESPONSE_REQUIRED: Final = frozenset({F_RESPONSE_CODE})
RESPONSE_OPTIONAL: Final = frozenset({F_PROCESSING_CODE, F_TRANSMISSION_TIME, F_STAN, F_TID, F_MID, F_NETWORK_DATA})

_HHMMSS = r"(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]"
_FORMATS: Final[Mapping[str, tuple[re.Pattern[str], str]]] = {
    F_PROCESSING_CODE: (re.compile(SIGN_IN_PROCESSING_CODE), f"must be {SIGN_IN_PROCESSING_CODE}"),
    F_TRANSMISSION_TIME: (
        re.compile(r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])" + _HHMMSS),
        "must be MMDDhhmmss",
    ),
    F_STAN: (re.compile(r"[0-9]{6}"), "must be 6 digits"),
    F_LOCAL_TIME: (re.compile(_HHMMSS), "must be hhmmss"),
    F_RESPONSE_CODE: (re.compile(r"[0-9A-Z]{2}"), "must be 2 digits or capital letters"),
    F_TID: (re.compile(r"[0-9A-Z]{8}"), "must be 8 digits or capital letters"),
    F_MID: (re.compile(r"[0-9A-Z]{15}"), "must be 15 digits or capital letters"),
    F_NETWORK_DATA: (re.compile(r"[0-9]{1,17}"), "must be 1 to 17 digits"),
    F_KCV: (re.compile(r"[0-9A-Fa-f]{6}"), "must be 6 hexadecimal characters"),
}
_NAMES: Final[Mapping[str, str]] = {
    F_PROCESSING_CODE: "processing code",
    F_TRANSMISSION_TIME: "host time",
    F_STAN: "STAN",
    F_LOCAL_TIME: "local time",
    F_RESPONSE_CODE: "response code",
    F_TID: "TID",
    F_MID: "MID",
    F_NETWORK_DATA: "network data",
    F_KCV: "KCV",
}
_UNTOLD: Final = frozenset({F_KCV, F_MID})


class MalformedMessage(ValueError):
    """A message that does not follow the sign-in format.

    ``fields`` holds whatever decoded before the problem was found, so a host
    can still echo the STAN, TID and MID that a terminal needs to match the
    answer to its request.
    """

    def __init__(self, reason: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields: dict[str, str] = dict(fields or {})


def is_valid(field: str, value: object) -> bool:
    """Whether ``value`` is well-formed for ISO 8583 ``field`` in this spec."""
    pattern, _ = _FORMATS[field]
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def check(field: str, value: object) -> str:
    """Return ``value`` if well-formed for ``field``, else raise ValueError."""
    if not is_valid(field, value):
        _, rule = _FORMATS[field]
        # Errors end up in logs. A terminal that puts a clear key where its
        # check value belongs must not see it copied there, and logs show
        # MIDs masked only; so for these two, the length is all that is told.
        got = f"{len(value)} characters" if field in _UNTOLD and isinstance(value, str) else repr(value)
        raise ValueError(f"{_NAMES[field]} (field {field}) {rule}, got {got}")
    assert isinstance(value, str)
    return value


def check_tid(tid: object) -> str:
    return check(F_TID, tid)


def check_mid(mid: object) -> str:
    return check(F_MID, mid)


def check_kcv(kcv: object) -> str:
    """Return the KCV in capitals: hosts compare the hex value, not its spelling."""
    return check(F_KCV, kcv).upper()


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """An 0800 sign-in. ``kcv`` is the key check value, never a clear key."""

    tid: str
    mid: str
    kcv: str
    stan: str
    local_time: str
    network_data: str | None = None

    def __post_init__(self) -> None:
        for field, value in self.iso_fields().items():
            check(field, value)

    def iso_fields(self) -> dict[str, str]:
        fields = {
            F_PROCESSING_CODE: SIGN_IN_PROCESSING_CODE,
            F_STAN: self.stan,
            F_LOCAL_TIME: self.local_time,
            F_TID: self.tid,
            F_MID: self.mid,
            F_KCV: self.kcv,
        }
        if self.network_data is not None:
            fields[F_NETWORK_DATA] = self.network_data
        return fields


@dataclass(frozen=True, slots=True)
class SignInResponse:
    """An 0810 answer. Echoed fields are None when the request lacked them."""

    response_code: str
    stan: str | None = None
    tid: str | None = None
    mid: str | None = None
    host_time: str | None = None
    network_data: str | None = None
    processing_code: str | None = None

    def __post_init__(self) -> None:
        for field, value in self.iso_fields().items():
            check(field, value)

    @classmethod
    def echoing(
        cls, request_fields: Mapping[str, str], response_code: str, *, host_time: str | None = None
    ) -> SignInResponse:
        """Answer a request, echoing only those of its fields that are well-formed.

        Echoing a malformed field would make the answer malformed too, and the
        terminal could then not even read the response code.
        """

        def echo(field: str) -> str | None:
            value = request_fields.get(field)
            return value if is_valid(field, value) else None

        return cls(
            response_code=response_code,
            stan=echo(F_STAN),
            tid=echo(F_TID),
            mid=echo(F_MID),
            host_time=host_time,
            network_data=echo(F_NETWORK_DATA),
            processing_code=echo(F_PROCESSING_CODE),
        )

    def iso_fields(self) -> dict[str, str]:
        optional = {
            F_PROCESSING_CODE: self.processing_code,
            F_TRANSMISSION_TIME: self.host_time,
            F_STAN: self.stan,
            F_TID: self.tid,
            F_MID: self.mid,
            F_NETWORK_DATA: self.network_data,
        }
        fields = {F_RESPONSE_CODE: self.response_code}
        fields.update({k: v for k, v in optional.items() if v is not None})
        return fields


def frame(message: bytes) -> bytes:
    """Prefix an ISO 8583 message with its length header."""
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValueError(f"message is {len(message)} bytes, the limit is {MAX_MESSAGE_LENGTH}")
    return LENGTH_HEADER.pack(len(message)) + message


def encode_request(request: SignInRequest) -> bytes:
    """The ISO 8583 bytes of a sign-in request, without the length header."""
    return _encode(REQUEST_MTI, request.iso_fields())


def encode_response(response: SignInResponse) -> bytes:
    """The ISO 8583 bytes of a sign-in response, without the length header."""
    return _encode(RESPONSE_MTI, response.iso_fields())


def decode_request(message: bytes) -> SignInRequest:
    """Parse a sign-in request (no length header); raise MalformedMessage."""
    fields = _decode(message, REQUEST_MTI, REQUEST_REQUIRED, REQUEST_OPTIONAL)
    return SignInRequest(
        tid=fields[F_TID],
        mid=fields[F_MID],
        kcv=fields[F_KCV],
        stan=fields[F_STAN],
        local_time=fields[F_LOCAL_TIME],
        network_data=fields.get(F_NETWORK_DATA),
    )


def decode_response(message: bytes) -> SignInResponse:
    """Parse a sign-in response (no length header); raise MalformedMessage."""
    fields = _decode(message, RESPONSE_MTI, RESPONSE_REQUIRED, RESPONSE_OPTIONAL)
    return SignInResponse(
        response_code=fields[F_RESPONSE_CODE],
        stan=fields.get(F_STAN),
        tid=fields.get(F_TID),
        mid=fields.get(F_MID),
        host_time=fields.get(F_TRANSMISSION_TIME),
        network_data=fields.get(F_NETWORK_DATA),
        processing_code=fields.get(F_PROCESSING_CODE),
    )


def _encode(mti: str, fields: Mapping[str, str]) -> bytes:
    raw, _ = iso8583.encode({"t": mti, **fields}, SPEC)
    return bytes(raw)


def _decode(message: bytes, mti: str, required: frozenset[str], optional: frozenset[str]) -> dict[str, str]:
    try:
        doc, _ = iso8583.decode(message, SPEC)
    except iso8583.DecodeError as exc:
        raise MalformedMessage(f"not ISO 8583: {exc}", _data_fields(exc.doc_dec)) from None
    fields = _data_fields(doc)
    if doc["t"] != mti:
        raise MalformedMessage(f"message type {doc['t']!r} is not {mti}", fields)
    # The secondary bitmap (key "1") counts as unexpected: nothing here needs it.
    present = {key for key in doc if key.isdigit()}
    if missing := required - present:
        raise MalformedMessage(f"missing fields {_sorted(missing)}", fields)
    if unexpected := present - required - optional:
        raise MalformedMessage(f"unexpected fields {_sorted(unexpected)}", fields)
    for field, value in fields.items():
        try:
            check(field, value)
        except ValueError as exc:
            raise MalformedMessage(str(exc), fields) from None
    return fields


def _data_fields(doc: Mapping[str, str]) -> dict[str, str]:
    # Drop the MTI and bitmaps: they are framing, not data a host echoes.
    return {key: value for key, value in doc.items() if key.isdigit() and key != "1"}


def _sorted(fields: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(fields, key=int))
