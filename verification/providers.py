"""The interface to the authoritative services, one provider per kind of check.

A backend is a class named by a dotted path in settings (VERIFICATION_BACKENDS, one per
kind): the simulators of `verification.simulator` in development and tests, a bank's or a
data vendor's client in production. A backend gets the request and returns the service's
raw answer (a dict, as the wire gave it); the provider reads it. Whatever goes wrong becomes
an `Answer` with an outcome, never an exception to the caller:

- the backend raises `ProviderUnavailable` (connection refused, 5xx) → UNAVAILABLE;
- it raises `ProviderTimeout`, or takes longer than VERIFICATION_TIMEOUT_SECONDS → TIMEOUT;
- its answer cannot be read (garbage, a result code we do not know) → INVALID.

Backends do no database work: the task calls them from threads, in parallel.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from core.masking import mask_card, mask_id_number, mask_mobile

from .choices import CheckKind, Outcome


class ProviderUnavailable(Exception):
    """The service is down or refused the request (worth asking again later)."""


class ProviderTimeout(Exception):
    """The service did not answer in time (worth asking again later)."""


@dataclass(frozen=True)
class Request:
    kind: str
    inputs: Mapping[str, str]

    def masked(self) -> dict[str, str]:
        """What was sent, as it may be stored and shown: personal numbers masked, names kept."""
        maskers = {"id_number": mask_id_number, "card_number": mask_card, "mobile": mask_mobile}
        return {k: maskers[k](v) if k in maskers else v for k, v in self.inputs.items()}


@dataclass(frozen=True)
class Answer:
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)
    backend: str = ""
    elapsed_ms: int = 0


class Backend(Protocol):
    def ask(self, request: Request) -> Mapping[str, Any]: ...


# The field of the raw answer that carries the verdict, and what its values mean: the shape
# the Chinese services share (a result code, "1" consistent, "2" inconsistent, "3" no record).
RESULT_CODES = {"1": Outcome.MATCH, "2": Outcome.MISMATCH, "3": Outcome.NOT_FOUND}
# Inputs of each kind, in the order the services take them.
INPUTS = {
    CheckKind.IDENTITY: ("name", "id_number"),
    CheckKind.BANK_CARD: ("name", "id_number", "card_number", "mobile"),
    CheckKind.BUSINESS: ("credit_code", "business_name", "legal_representative"),
    CheckKind.MOBILE: ("name", "id_number", "mobile"),
}


def backend_path(kind: str) -> str:
    return settings.VERIFICATION_BACKENDS[kind]


def backend_for(kind: str) -> Backend:
    return import_string(backend_path(kind))()


def read(kind: str, raw: object) -> tuple[str, dict[str, Any]]:
    """The outcome and the useful detail of a raw answer; INVALID when it cannot be read."""
    if not isinstance(raw, Mapping):
        return Outcome.INVALID, {"why": "not an object"}
    outcome = RESULT_CODES.get(str(raw.get("result", "")))
    if outcome is None:
        return Outcome.INVALID, {"why": "unknown result code"}
    detail: dict[str, Any] = {}
    if kind == CheckKind.BUSINESS and outcome == Outcome.MATCH:
        status = raw.get("status")
        if not isinstance(status, str) or not status:
            return Outcome.INVALID, {"why": "no register status"}
        detail["status"] = status  # 存续 / 在业 (active), 注销 (deregistered), 吊销 (revoked)...
    if kind == CheckKind.MOBILE and outcome == Outcome.MATCH:
        months = raw.get("months_in_service")
        if not isinstance(months, int) or isinstance(months, bool) or months < 0:
            return Outcome.INVALID, {"why": "no months in service"}
        detail["months_in_service"] = months
    if outcome == Outcome.MISMATCH and isinstance(raw.get("fields"), list):
        # Which inputs disagreed, when the service says so (names of inputs, never values).
        detail["fields"] = [f for f in raw["fields"] if f in INPUTS[CheckKind(kind)]]
    return outcome, detail


def ask(request: Request) -> Answer:
    """Ask the configured backend of the request's kind; always answers (see the module's doc)."""
    path = backend_path(request.kind)
    started = time.monotonic()
    try:
        raw = backend_for(request.kind).ask(request)
    except ProviderUnavailable:
        outcome, detail = Outcome.UNAVAILABLE, {}
    except (ProviderTimeout, TimeoutError):
        outcome, detail = Outcome.TIMEOUT, {}
    except Exception as exc:  # a backend's bug or a broken answer: a person looks, nothing is approved
        outcome, detail = Outcome.INVALID, {"why": type(exc).__name__}
    else:
        outcome, detail = read(request.kind, raw)
    elapsed = time.monotonic() - started
    if elapsed > settings.VERIFICATION_TIMEOUT_SECONDS and outcome not in (Outcome.UNAVAILABLE,):
        # An answer later than we wait for counts as none: the real clients time out the same way.
        outcome, detail = Outcome.TIMEOUT, {}
    return Answer(outcome, detail, path, int(elapsed * 1000))
