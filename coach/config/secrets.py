"""Keeping API keys out of the config file: key-like names and values, and masking.

A setting that looks like a key (`api_key`, `*_key`, `*_token`, `*_secret`,
`password`), or a value that looks like one (`sk-…`, a URL with `?api_key=`),
becomes a problem pointing to `coach keys set PROVIDER`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from coach.config.models import MAP_FIELDS
from coach.config.problems import Problem, _join

_KEY_NAMES = {"key", "apikey", "api_key", "token", "secret", "password", "passwd"}
_KEY_SUFFIXES = ("_key", "_token", "_secret", "_password", "apikey")
# Shapes of real provider keys: OpenAI/Anthropic/DeepSeek sk-, Groq gsk_, xAI xai-,
# Google AIza, Hugging Face hf_, Perplexity pplx-, Replicate r8_, Fireworks fw_.
_SECRET_VALUE = re.compile(
    r"(?<![A-Za-z0-9])(sk-|sk_|gsk_|xai-|AIza|hf_|pplx-|r8_|fw_)[A-Za-z0-9_\-]{30,}"
)


def looks_like_key_name(name: str) -> bool:
    norm = name.strip().lower().replace("-", "_")
    return norm in _KEY_NAMES or norm.endswith(_KEY_SUFFIXES)


def looks_like_secret(value: str) -> bool:
    return bool(_SECRET_VALUE.search(value))


def _provider_hint(name: str) -> str:
    from coach.keys import PROVIDERS

    norm = name.strip().lower().replace("-", "_")
    for provider in sorted(PROVIDERS, key=len, reverse=True):
        if norm.startswith(provider):
            return provider
    return "PROVIDER"


def _key_problem(field: str, name: str) -> Problem:
    provider = _provider_hint(name)
    return Problem(
        field,
        "API keys must not be stored in the config file",
        f"Remove it from the config and run `coach keys set {provider}` instead, "
        "which keeps the key in the system keyring.",
    )


def _secret_problem(field: str) -> Problem:
    return Problem(
        field,
        "this value looks like an API key, and keys must not be stored in the config file",
        "Remove it from the config and run `coach keys set PROVIDER` instead, "
        "which keeps the key in the system keyring.",
    )


def _find_secrets(value: Any, field: str = "", *, names: bool = True) -> list[Problem]:
    """Key-like setting names and key-like values anywhere in a TOML table.

    Names inside `api_base` and `keymap` are the user's own (model strings,
    binding ids) and are not judged by their name; their values still are.
    """
    problems: list[Problem] = []
    if isinstance(value, dict):
        for name, child in value.items():
            child_field = _join(field, name)
            if names and looks_like_key_name(str(name)):
                problems.append(_key_problem(child_field, str(name)))
                continue
            child_names = names and not (field == "" and name in MAP_FIELDS)
            problems.extend(_find_secrets(child, child_field, names=child_names))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            problems.extend(_find_secrets(child, f"{field}[{index}]", names=names))
    elif isinstance(value, str) and (looks_like_secret(value) or _url_carries_key(value)):
        problems.append(_secret_problem(field))
    return problems


def _url_carries_key(text: str) -> bool:
    if "://" not in text:
        return False
    try:
        query = urlsplit(text).query
    except ValueError:
        return False
    return any(looks_like_key_name(name) for name, _ in parse_qsl(query))


def mask_url(url: str) -> str:
    """A database URL with any password replaced by `***`, for display."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return url
