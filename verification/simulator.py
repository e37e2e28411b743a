"""In-process simulators of the four services, for tests, the demo and the benchmark.

Deterministic: the answer is chosen by three digits of the input, so a test or a demo
applicant picks it by typing a number (docs/verification.md has the table):

| kind | digits read | x01 / x11 / x21 / x31 | x02… | x03… | x04… | x05… | x06… |
|---|---|---|---|---|---|---|---|
| identity | ID number, 15th-17th (order code) | 901 mismatch | 902 not found | 903 unavailable | 904 timeout | 905 garbage | |
| bank card | card, the three before the check digit | 911 mismatch | 912 not found | 913 unavailable | 914 timeout | 915 garbage | |
| business | credit code, the three before the check character | 921 mismatch | 922 not found | 923 unavailable | 924 timeout | 925 garbage | 926 deregistered |
| mobile | mobile, last three | 931 mismatch | 932 not found | 933 unavailable | 934 timeout | 935 garbage | 936 a number in service for 2 months |

Anything else: a match (a business "存续", a mobile in service for 60 months). Latency:
VERIFICATION_SIMULATOR_LATENCY_MS (0 in tests), with a little jitter.
"""

import random
import time
from typing import Any

from django.conf import settings

from .choices import CheckKind
from .providers import ProviderTimeout, ProviderUnavailable, Request

BASE = {CheckKind.IDENTITY: 900, CheckKind.BANK_CARD: 910, CheckKind.BUSINESS: 920, CheckKind.MOBILE: 930}


def digits_of(request: Request) -> str:
    inputs = request.inputs
    if request.kind == CheckKind.IDENTITY:
        return (inputs.get("id_number") or "")[14:17]
    if request.kind == CheckKind.BANK_CARD:
        return (inputs.get("card_number") or "")[-4:-1]
    if request.kind == CheckKind.BUSINESS:
        return (inputs.get("credit_code") or "")[-4:-1]
    return (inputs.get("mobile") or "")[-3:]


def scenario(request: Request) -> int:
    """0: a match; 1..6: the cases of the table."""
    digits = digits_of(request)
    if not digits.isdigit():
        return 0
    offset = int(digits) - BASE[CheckKind(request.kind)]
    return offset if 1 <= offset <= 6 else 0


class Simulator:
    kind: str = ""

    def ask(self, request: Request) -> dict[str, Any]:
        latency = settings.VERIFICATION_SIMULATOR_LATENCY_MS / 1000
        if latency:
            time.sleep(latency * random.uniform(0.6, 1.4))
        case = scenario(request)
        if case == 3:
            raise ProviderUnavailable("simulated outage")
        if case == 4:
            raise ProviderTimeout("simulated timeout")
        if case == 5:
            return {"resp": "<html>502 Bad Gateway</html>"}  # type: ignore[return-value]
        if case == 2:
            return {"result": "3"}
        if case == 1:
            return {"result": "2", "fields": self.mismatched}
        return self.match(case)

    mismatched: list[str] = []

    def match(self, case: int) -> dict[str, Any]:
        return {"result": "1"}


class IdentitySimulator(Simulator):
    kind = CheckKind.IDENTITY
    mismatched = ["name"]


class BankCardSimulator(Simulator):
    kind = CheckKind.BANK_CARD
    mismatched = ["name"]  # the card's holder is someone else


class BusinessSimulator(Simulator):
    kind = CheckKind.BUSINESS
    mismatched = ["legal_representative"]

    def match(self, case: int) -> dict[str, Any]:
        return {"result": "1", "status": "注销" if case == 6 else "存续"}


class MobileSimulator(Simulator):
    kind = CheckKind.MOBILE
    mismatched = ["name"]

    def match(self, case: int) -> dict[str, Any]:
        return {"result": "1", "months_in_service": 2 if case == 6 else 60}
