"""How the simulated host decides a sign-in: one pure function.

The precedence below is a contract with the portal, which turns these codes
into advice for installers and support; README.md explains each step.
"""

from __future__ import annotations

from enum import StrEnum

from acquirer_sim.registry import Merchant, Terminal
from acquirer_sim.wire import MalformedMessage, SignInRequest


class ResponseCode(StrEnum):
    """Field 39 values, following China UnionPay's POS response codes."""

    APPROVED = "00"
    INVALID_MERCHANT = "03"  # 无效商户
    FORMAT_ERROR = "30"  # 报文格式错误
    TERMINAL_NOT_REGISTERED = "97"  # 终端未登记 (the terminal shows 无效终端)
    KEY_CHECK_FAILED = "A0"  # 校验错, 请重新签到


def decide(
    request: SignInRequest | MalformedMessage,
    *,
    terminal: Terminal | None,
    merchant: Merchant | None,
) -> ResponseCode:
    """The answer to a sign-in.

    ``terminal`` is the registry's entry for the TID the request names and
    ``merchant`` the entry for the MID it names (None when not registered).
    """
    if isinstance(request, MalformedMessage):
        return ResponseCode.FORMAT_ERROR
    if terminal is None or not terminal.active:
        return ResponseCode.TERMINAL_NOT_REGISTERED
    if merchant is None or not merchant.active:
        return ResponseCode.INVALID_MERCHANT
    # Both exist, but not as a pair: the terminal is not registered *for this
    # merchant*, which is what 97 says. The usual cause on site is a mistyped
    # TID, fixed on the terminal, whereas 03 would send support after a
    # merchant contract that is in fact fine.
    if terminal.mid != request.mid:
        return ResponseCode.TERMINAL_NOT_REGISTERED
    if terminal.kcv != request.kcv.upper():
        return ResponseCode.KEY_CHECK_FAILED
    return ResponseCode.APPROVED
