"""The client's address, read safely through the proxies in front of the service.

Behind nginx or a load balancer every request arrives from the proxy, so ``REMOTE_ADDR`` is the
same for everyone and per-client limits become one shared bucket. Proxies add the address they
received from to ``X-Forwarded-For``; but any client can send that header too, so it is believed
only from the proxies named in ``TRUSTED_PROXIES``. The header is read from the right (the entry
the nearest proxy added) and the first address not itself a trusted proxy is the client's.

Written here rather than taken from django-ipware: ipware matches trusted proxies by the start
of the address as text, where this compares networks (``10.0.0.0/8``, ``2001:db8::/32``).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_KEY = "together.client_address"


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The client's address as the nearest untrusted hop; ``REMOTE_ADDR`` without proxies."""
    meta = request.META
    found = meta.get(_KEY)
    if found is not None:
        return found
    remote = meta.get("REMOTE_ADDR", "") or "unknown"
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    found = remote
    if networks and _trusted(_address(remote), networks):
        hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                # Not an address: whatever lies further left was written by the client.
                break
            found = str(address)
            if not _trusted(address, networks):
                break
    meta[_KEY] = found
    return found


def sign_in_name(request, credentials) -> str | None:
    """The account a sign-in attempt names, as lockout counts it: one account, however typed."""
    name = (credentials or {}).get("username") or request.POST.get("username")
    return name.strip().lower() if isinstance(name, str) else None
