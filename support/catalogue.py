"""The catalogue of response codes a terminal shows, and of symptoms a merchant can name.

Each entry says what the terminal shows (the Chinese text on its screen, as printed by
China UnionPay terminals), what it means, where the fault usually lies, the usual causes
and the steps a merchant can take. Texts are translated with gettext (zh_Hans, en).

`side` decides which automatic checks matter and what the guided path says first:
a card-side or amount-side code points away from the terminal; a host-side code is
what the incident detector counts.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Side(StrEnum):
    NONE = "none"  # approved: nothing is wrong
    TERMINAL = "terminal"  # the terminal's registration, configuration or keys
    MERCHANT = "merchant"  # the merchant's contract at the acquirer
    CARD = "card"  # the customer's card or PIN
    AMOUNT = "amount"  # the transaction's amount or kind
    HOST = "host"  # the acquirer host, the switch or the issuer (a gateway problem)
    OPERATION = "operation"  # how the transaction was keyed


# Sides that point away from the terminal: the merchant should try another card or amount.
CUSTOMER_SIDES = (Side.CARD, Side.AMOUNT)


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    shows: str  # what the terminal's screen says, verbatim (terminals speak Chinese)
    meaning: Promise
    side: Side
    causes: tuple[Promise, ...]
    steps: tuple[Promise, ...]
    # The merchant cannot fix it alone: the path ends by proposing a case straight away.
    needs_support: bool = False


@dataclass(frozen=True)
class Symptom:
    key: str
    label: Promise
    causes: tuple[Promise, ...]
    steps: tuple[Promise, ...]
    # A hardware symptom that no remote action can mend: support will likely send someone.
    hardware: bool = False
    related_codes: tuple[str, ...] = field(default=())


_RETRY_SIGNIN = _("On the terminal, choose 签到 (sign in) from the management menu, then try the sale again.")
_CALL_ISSUER = _("Ask the customer to call the bank on the back of the card, or to pay with another card.")
_OTHER_CARD = _("Try another card: if it goes through, the terminal is fine.")
_WAIT_RETRY = _("Wait five minutes and try again; the portal shows a banner when a host problem is known.")

CATALOGUE: dict[str, CatalogueEntry] = {
    e.code: e
    for e in (
        CatalogueEntry(
            "00",
            "交易成功",
            _("Approved: the transaction went through."),
            Side.NONE,
            (_("Nothing is wrong."),),
            (_("Nothing to do. If the receipt did not print, see the printer symptom."),),
        ),
        CatalogueEntry(
            "03",
            "无效商户",
            _("Invalid merchant: the acquirer host does not know your merchant ID, or it is inactive."),
            Side.MERCHANT,
            (
                _("The merchant ID (MID) on the terminal was typed wrongly."),
                _("Your merchant contract is not yet active, or has been suspended, at the acquirer."),
            ),
            (
                _("Do not retry the sale: it will be refused the same way."),
                _("Check below whether your merchant ID is registered and active; if not, open a case."),
            ),
            needs_support=True,
        ),
        CatalogueEntry(
            "05",
            "不予承兑",
            _("Do not honour: the card's bank refused the transaction."),
            Side.CARD,
            (_("The bank that issued the card refused it (risk rules, a blocked card)."),),
            (_CALL_ISSUER, _OTHER_CARD),
        ),
        CatalogueEntry(
            "12",
            "无效交易",
            _("Invalid transaction: this kind of transaction is not allowed for this card or terminal."),
            Side.AMOUNT,
            (
                _("The card does not support this kind of transaction (e.g. a pre-authorisation)."),
                _("A refund or void was attempted on a transaction that cannot take it."),
            ),
            (_("Make a plain sale instead, or try another card."), _OTHER_CARD),
        ),
        CatalogueEntry(
            "14",
            "无效卡号",
            _("Invalid card number: the card number is not known to its bank."),
            Side.CARD,
            (_("The card was read badly, or the card number was typed wrongly."), _("The card is not valid.")),
            (_("Insert or swipe the card again; clean the chip if it is dirty."), _OTHER_CARD),
        ),
        CatalogueEntry(
            "22",
            "故障怀疑",
            _("Suspected malfunction: the transaction does not match the original one."),
            Side.OPERATION,
            (
                _("A void or refund names an original transaction that does not exist."),
                _("The terminal's batch is out of step with the host."),
            ),
            (_("Check the original receipt's reference number and try again."), _RETRY_SIGNIN),
        ),
        CatalogueEntry(
            "30",
            "报文格式错误",
            _("Format error: the host could not read the terminal's message."),
            Side.TERMINAL,
            (
                _("The terminal's software or its parameters are out of date or damaged."),
                _("The terminal connects to the wrong host or port."),
            ),
            (
                _("Restart the terminal, then sign in again."),
                _("If it persists, open a case: support can re-send the configuration."),
            ),
            needs_support=True,
        ),
        CatalogueEntry(
            "51",
            "余额不足",
            _("Insufficient funds on the customer's card."),
            Side.AMOUNT,
            (_("The card's balance or credit limit is lower than the amount."),),
            (_("Ask the customer for another card or a smaller amount."), _("Nothing is wrong with your terminal.")),
        ),
        CatalogueEntry(
            "54",
            "过期的卡",
            _("Expired card."),
            Side.CARD,
            (_("The card is past its expiry date."),),
            (_("Ask the customer for another card."), _("Nothing is wrong with your terminal.")),
        ),
        CatalogueEntry(
            "55",
            "密码错",
            _("Incorrect PIN."),
            Side.CARD,
            (_("The customer typed the wrong PIN."),),
            (
                _("Let the customer type the PIN again (the card locks after three wrong tries)."),
                _("Nothing is wrong with your terminal."),
            ),
        ),
        CatalogueEntry(
            "58",
            "终端无效",
            _("Transaction not permitted on this terminal."),
            Side.TERMINAL,
            (
                _("The terminal is not allowed this kind of transaction (e.g. foreign cards, refunds)."),
                _("The terminal's permissions at the host were changed."),
            ),
            (_("Make a plain sale with a domestic card to see whether it goes through."), _("If not, open a case.")),
            needs_support=True,
        ),
        CatalogueEntry(
            "61",
            "超出金额限制",
            _("Exceeds the amount limit of the card."),
            Side.AMOUNT,
            (_("The amount is above the card's single or daily limit."),),
            (_("Ask the customer for another card, or split the payment."), _("Nothing is wrong with your terminal.")),
        ),
        CatalogueEntry(
            "77",
            "请向网络中心签到",
            _("Sign in again: the terminal's session with the host has ended."),
            Side.TERMINAL,
            (_("The terminal's batch or keys are out of step with the host, e.g. after settlement or a restart."),),
            (_RETRY_SIGNIN,),
        ),
        CatalogueEntry(
            "91",
            "发卡方或交换中心不能操作",
            _("The card's bank or the switch cannot be reached."),
            Side.HOST,
            (_("The issuing bank or the UnionPay switch is down or busy."),),
            (_WAIT_RETRY, _OTHER_CARD),
        ),
        CatalogueEntry(
            "94",
            "重复交易",
            _("Duplicate transaction: the host has already received this transaction."),
            Side.OPERATION,
            (_("The same transaction was sent twice, e.g. after a timeout."),),
            (
                _("Check your last receipts before charging again: the first attempt may have gone through."),
                _RETRY_SIGNIN,
            ),
        ),
        CatalogueEntry(
            "96",
            "交换中心系统异常",
            _("System malfunction at the switch."),
            Side.HOST,
            (_("The acquirer's host or the switch has a problem."),),
            (_WAIT_RETRY,),
        ),
        CatalogueEntry(
            "97",
            "无效终端",
            _("Terminal not registered (终端未登记): the acquirer host does not know this terminal ID."),
            Side.TERMINAL,
            (
                _("The terminal ID (TID) on the terminal was typed wrongly, or belongs to another shop."),
                _(
                    "The terminal has not yet been registered at the acquirer host, or was deactivated (e.g. after long inactivity)."
                ),
            ),
            (
                _("Do not retry the sale: it will be refused the same way."),
                _(
                    "Check below whether the terminal is registered; if not, open a case: support registers it or sends an installer."
                ),
            ),
            needs_support=True,
        ),
        CatalogueEntry(
            "98",
            "交易超时",
            _("Timeout: no answer from the card's bank in time."),
            Side.HOST,
            (_("The network between the host and the card's bank is slow or down."), _("Your own network is slow.")),
            (_("Check your network (see the no-network symptom)."), _WAIT_RETRY),
        ),
        CatalogueEntry(
            "99",
            "PIN格式错，请重新签到",
            _("PIN block error: the terminal's PIN key is out of step with the host."),
            Side.TERMINAL,
            (_("The terminal's working keys are stale."),),
            (_RETRY_SIGNIN, _("If it persists, open a case: support asks the terminal for a new sign-in.")),
        ),
        CatalogueEntry(
            "A0",
            "校验错，请重新签到",
            _("Key check failed (MAC error): the terminal's keys do not match the host's."),
            Side.TERMINAL,
            (_("The terminal's keys were replaced or loaded wrongly."), _("The working keys are stale.")),
            (_RETRY_SIGNIN, _("If it persists, open a case: the keys may have to be loaded again on site.")),
            needs_support=True,
        ),
    )
}

# The codes a terminal may report that are not yet in the catalogue are refused by the
# device API: an unknown code is a bad report, not a new fault to guess at.
KNOWN_CODES = frozenset(CATALOGUE)
HOST_SIDE_CODES = frozenset(c for c, e in CATALOGUE.items() if e.side == Side.HOST)


SYMPTOMS: dict[str, Symptom] = {
    s.key: s
    for s in (
        Symptom(
            "no_power",
            _("No power: the screen stays dark"),
            (
                _("The power adapter or socket is off."),
                _("The battery is flat (mobile terminals)."),
                _("The power supply is broken."),
            ),
            (
                _("Check that the socket works by plugging in something else."),
                _("Hold the power button for five seconds."),
                _("Charge a mobile terminal for thirty minutes before trying again."),
            ),
            hardware=True,
        ),
        Symptom(
            "no_network",
            _("No network: the terminal cannot connect"),
            (
                _("The cable, Wi-Fi or SIM card has no connection."),
                _("The shop's router is off."),
                _("The terminal calls the wrong host address."),
            ),
            (
                _("Check the network cable or the Wi-Fi; restart the router."),
                _("For a 4G terminal, check that the SIM card has signal and credit."),
                _("Restart the terminal, then sign in again."),
            ),
            related_codes=("98", "96"),
        ),
        Symptom(
            "frozen",
            _("The screen is frozen"),
            (_("The terminal's software hung."), _("An update was interrupted.")),
            (
                _("Hold the power button until it turns off, wait ten seconds, then turn it on."),
                _("Sign in again after the restart."),
            ),
        ),
        Symptom(
            "printer",
            _("The printer does not print"),
            (
                _("The paper roll is empty or the wrong way round."),
                _("The paper cover is not closed."),
                _("The print head is broken."),
            ),
            (
                _("Open the cover and check the roll: the shiny side faces the print head."),
                _("Close the cover until it clicks and print the last receipt again."),
            ),
            hardware=True,
        ),
        Symptom(
            "card_reader",
            _("The card reader does not read cards"),
            (_("The chip or stripe of the card is dirty or damaged."), _("The card reader is broken.")),
            (_("Try two other cards, inserted chip first."), _("Clean the card slot with a dry card-cleaning card.")),
            hardware=True,
        ),
        Symptom(
            "card_refused",
            _("A card is refused"),
            (_("The card, its balance or its limit is the cause, not the terminal."),),
            (_OTHER_CARD, _CALL_ISSUER),
            related_codes=("05", "14", "51", "54", "55", "61"),
        ),
    )
}


def entry(code: str) -> CatalogueEntry | None:
    return CATALOGUE.get((code or "").strip().upper())
