"""Password guessing slowed down without letting a stranger lock a merchant out.

Three counters of failed password sign-ins, each over LOGIN_THROTTLE_WINDOW seconds:

- per client address (every account): a guesser's address is refused, nobody else's;
- per account and address: one address cannot try one account more than a few times;
- per account (every address): past it, a password sign-in to that account is refused only
  from devices that have never signed in to it. The merchant's own phone or computer carries a
  signed "known device" cookie from its last successful sign-in and is not affected; on a new
  device the refusal offers a sign-in code sent by e-mail (allauth's login by code), which the
  stranger cannot read. So a stranger can slow guesses at an account, never lock its owner out.

Counters live in the cache (Redis when set; pos_portal.cache falls back to process memory when
Redis is unreachable). Account names are hashed before they become cache keys.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from core.network import client_ip


def device_cookie() -> str:
    # Under DJANGO_SECURE, a name only this host may set over HTTPS, like the session's.
    return "__Host-login_device" if settings.SESSION_COOKIE_SECURE else "login_device"


_DEVICE_SALT = "accounts.throttle.device"
_DEVICE_MAX_AGE = 180 * 24 * 3600
_MAX_ACCOUNTS_PER_DEVICE = 5  # a shared family computer: a few accounts, the latest first


@dataclass(frozen=True)
class Refusal:
    reason: str  # "address", "account_address" or "account"
    retry_after: int  # seconds


def account_key(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]


def _keys(request: HttpRequest, account: str) -> dict[str, str]:
    ip = client_ip(request)
    return {
        "address": f"login-fail:addr:{ip}",
        "account_address": f"login-fail:pair:{account}:{ip}",
        "account": f"login-fail:acct:{account}",
    }


def _limits() -> dict[str, int]:
    return {
        "address": settings.LOGIN_FAILURES_PER_ADDRESS,
        "account_address": settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        "account": settings.LOGIN_FAILURES_PER_ACCOUNT,
    }


def known_device(request: HttpRequest, account: str) -> bool:
    try:
        accounts = signing.loads(request.COOKIES.get(device_cookie(), ""), salt=_DEVICE_SALT, max_age=_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return isinstance(accounts, list) and account in accounts


def refusal(request: HttpRequest, login: str) -> Refusal | None:
    """Whether this password attempt is refused before the password is even checked."""
    account = account_key(login)
    keys, limits = _keys(request, account), _limits()
    counts = cache.get_many(list(keys.values()))
    known = known_device(request, account)
    for reason in ("account_address", "address", "account"):
        if known and reason != "account_address":
            continue  # the owner's own device: only its own typing slows it down
        if counts.get(keys[reason], 0) >= limits[reason]:
            return Refusal(reason, settings.LOGIN_THROTTLE_WINDOW)
    return None


def record_failure(request: HttpRequest, login: str) -> None:
    for key in _keys(request, account_key(login)).values():
        cache.add(key, 0, settings.LOGIN_THROTTLE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_THROTTLE_WINDOW)


def record_success(request: HttpRequest, login: str, response: HttpResponse) -> None:
    """Forget this address's failures for the account, and remember the device."""
    account = account_key(login)
    cache.delete(_keys(request, account)["account_address"])
    try:
        accounts = signing.loads(request.COOKIES.get(device_cookie(), ""), salt=_DEVICE_SALT, max_age=_DEVICE_MAX_AGE)
    except signing.BadSignature:
        accounts = []
    accounts = [account, *(a for a in accounts if a != account)][:_MAX_ACCOUNTS_PER_DEVICE]
    response.set_cookie(
        device_cookie(),
        signing.dumps(accounts, salt=_DEVICE_SALT),
        max_age=_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
