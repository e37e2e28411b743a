"""Who is asking: the client's address as seen through the trusted proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address the outermost of TRUSTED_PROXY_COUNT proxies saw the request come from.

    Behind one TLS proxy every request's REMOTE_ADDR is the proxy's: a limit keyed on it would put
    every user in one bucket. Each proxy appends the address it saw to X-Forwarded-For, so with N
    trusted proxies the client is the N-th entry from the right; whatever stands further left was
    written by the client and is not believed. A header shorter than the proxies, or a value that
    is not an address, falls back to REMOTE_ADDR: a misconfiguration costs precision, never a 500.
    """
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a key, never a bind)
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
