"""The decision rules and their precedence, as a pure function."""

from __future__ import annotations

from acquirer_sim.registry import Merchant, Terminal
from acquirer_sim.rules import ResponseCode, decide
from acquirer_sim.wire import MalformedMessage, SignInRequest

TID = "10000001"
MID = "898621045311234"
OTHER_MID = "898621045319999"

request = SignInRequest(tid=TID, mid=MID, kcv="ABC123", stan="000001", local_time="120000")
merchant = Merchant(mid=MID)
terminal = Terminal(tid=TID, mid=MID, kcv="ABC123")


def test_it_approves_a_registered_active_pair_with_the_right_kcv() -> None:
    assert decide(request, terminal=terminal, merchant=merchant) is ResponseCode.APPROVED


def test_it_answers_30_for_a_malformed_message() -> None:
    assert decide(MalformedMessage("bad"), terminal=None, merchant=None) == "30"


def test_it_answers_97_for_an_unregistered_terminal() -> None:
    assert decide(request, terminal=None, merchant=merchant) == "97"


def test_it_answers_97_for_an_inactive_terminal() -> None:
    inactive = Terminal(tid=TID, mid=MID, kcv="ABC123", active=False)

    assert decide(request, terminal=inactive, merchant=merchant) == "97"


def test_it_answers_03_for_an_unregistered_merchant() -> None:
    assert decide(request, terminal=terminal, merchant=None) == "03"


def test_it_answers_03_for_an_inactive_merchant() -> None:
    assert decide(request, terminal=terminal, merchant=Merchant(mid=MID, active=False)) == "03"


def test_it_answers_97_when_the_terminal_is_registered_to_another_merchant() -> None:
    elsewhere = Terminal(tid=TID, mid=OTHER_MID, kcv="ABC123")

    assert decide(request, terminal=elsewhere, merchant=merchant) == "97"


def test_it_answers_a0_when_the_key_check_value_differs() -> None:
    other_key = Terminal(tid=TID, mid=MID, kcv="ABC124")

    assert decide(request, terminal=other_key, merchant=merchant) == "A0"


def test_it_compares_key_check_values_regardless_of_case() -> None:
    lower = SignInRequest(tid=TID, mid=MID, kcv="abc123", stan="000001", local_time="120000")

    assert decide(lower, terminal=terminal, merchant=merchant) == "00"


def test_an_unknown_terminal_outranks_an_unknown_merchant() -> None:
    assert decide(request, terminal=None, merchant=None) == "97"


def test_an_inactive_terminal_outranks_an_inactive_merchant() -> None:
    assert (
        decide(
            request,
            terminal=Terminal(tid=TID, mid=MID, kcv="ABC123", active=False),
            merchant=Merchant(mid=MID, active=False),
        )
        == "97"
    )


def test_an_unknown_merchant_outranks_a_tid_mid_mismatch() -> None:
    elsewhere = Terminal(tid=TID, mid=OTHER_MID, kcv="ABC123")

    assert decide(request, terminal=elsewhere, merchant=None) == "03"


def test_an_unknown_merchant_outranks_a_wrong_kcv() -> None:
    other_key = Terminal(tid=TID, mid=MID, kcv="000000")

    assert decide(request, terminal=other_key, merchant=None) == "03"


def test_a_tid_mid_mismatch_outranks_a_wrong_kcv() -> None:
    elsewhere_other_key = Terminal(tid=TID, mid=OTHER_MID, kcv="000000")

    assert decide(request, terminal=elsewhere_other_key, merchant=merchant) == "97"


def test_a_malformed_message_outranks_everything() -> None:
    assert decide(MalformedMessage("bad"), terminal=terminal, merchant=merchant) == "30"
