"""Checking an api_base before any call is made with it."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from coach.llm.errors import InvalidApiBase

_EXAMPLE = "like http://localhost:11434 or http://127.0.0.1:8080/v1"


def _shown(url: str) -> str:
    """The URL for a message, with any user:password part masked."""
    return repr(re.sub(r"//[^/@]*@", "//***@", url))


def check_api_base(url: str) -> str:
    """The URL with surrounding spaces removed; raises InvalidApiBase if it is not http(s)."""
    cleaned = url.strip()
    fix = f"Give the server's address with http:// or https://, {_EXAMPLE}."
    if not cleaned:
        raise InvalidApiBase("The model server address is empty.", fix)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        raise InvalidApiBase(
            f"The model server address {_shown(cleaned)} contains spaces or control characters.",
            fix,
        )
    try:
        parts = urlsplit(cleaned)
        port = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError:
        raise InvalidApiBase(f"{_shown(cleaned)} is not a valid URL.", fix) from None
    if parts.password is not None:  # checked first: later messages quote the URL
        raise InvalidApiBase(
            "The model server address contains a password.",
            "Remove it from the URL and store the key with `coach keys set PROVIDER`.",
        )
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidApiBase(f"{_shown(cleaned)} is not an http:// or https:// address.", fix)
    if not parts.hostname:
        raise InvalidApiBase(f"{_shown(cleaned)} has no host name.", fix)
    if port == 0:
        raise InvalidApiBase(f"{_shown(cleaned)} has port 0, which no server listens on.", fix)
    return cleaned


def is_loopback(url: str | None) -> bool:
    """True when the URL points at this machine (a local server: no spend, no key)."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
