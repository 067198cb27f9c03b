"""API keys: the system keyring first choice for storage, environment variables honoured.

Lookup rule: the provider's environment variable wins over the keyring (the
usual convention, and what CI and containers expect). `key_status()` says
where a key was found and shows at most a masked hint (`sk-…a1b2`).

Keys are stored under the keyring service "coach", with the provider name
as the user name. Nothing here logs, prints or writes a key anywhere else;
error messages never contain one. Where no keyring backend exists (a headless
box), `set_key` raises `KeyringUnavailable`, whose message names the
environment variable to use instead.

`keyring` is imported inside the functions so importing this module stays cheap.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import asdict, dataclass
from typing import Literal

SERVICE = "coach"

# Provider (litellm's prefix in model strings) → the environment variable litellm reads.
PROVIDERS: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "azure": "AZURE_API_KEY",
    "groq": "GROQ_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "cohere": "COHERE_API_KEY",
    "xai": "XAI_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY",
    "perplexity": "PERPLEXITYAI_API_KEY",
    "huggingface": "HUGGINGFACE_API_KEY",
    "deepinfra": "DEEPINFRA_API_KEY",
}

# Other names people type for the same provider.
ALIASES: dict[str, str] = {
    "google": "gemini",
    "claude": "anthropic",
    "together": "together_ai",
    "togetherai": "together_ai",
    "fireworks": "fireworks_ai",
    "hf": "huggingface",
    "perplexityai": "perplexity",
    "azure_openai": "azure",
}

Source = Literal["environment", "keyring", "missing"]
MAX_KEY_LENGTH = 8192


class KeysError(Exception):
    """Base for every error here; the message is meant for the user as is."""


class UnknownProvider(KeysError, ValueError):
    def __init__(self, name: str):
        known = ", ".join(sorted(PROVIDERS))
        close = difflib.get_close_matches(name.lower(), [*PROVIDERS, *ALIASES], n=1)
        hint = f" Did you mean {ALIASES.get(close[0], close[0])}?" if close else ""
        super().__init__(f"Unknown provider {name!r}.{hint} Known providers: {known}.")
        self.name = name


class InvalidKey(KeysError, ValueError):
    """The pasted text cannot be an API key. The message never includes it."""


class KeyringUnavailable(KeysError):
    def __init__(self, provider: str, reason: str = "no system keyring is available here"):
        variable = PROVIDERS[provider]
        super().__init__(
            f"Cannot store the {provider} key: {reason}. "
            f"Set the {variable} environment variable instead "
            f"(for example `export {variable}=...` in your shell profile); "
            "coach reads it on every start."
        )
        self.provider = provider
        self.variable = variable


@dataclass(frozen=True)
class KeyStatus:
    """Where a provider's key comes from. Never holds the key itself."""

    provider: str
    env_var: str
    source: Source
    hint: str | None = None  # e.g. "sk-…a1b2"
    note: str = ""

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


# --- names ------------------------------------------------------------------


def provider_name(name: str) -> str:
    """The canonical provider for a name or alias; raises UnknownProvider."""
    norm = name.strip().lower().replace("-", "_")
    norm = ALIASES.get(norm, norm)
    if norm not in PROVIDERS:
        raise UnknownProvider(name)
    return norm


def env_var(provider: str) -> str:
    return PROVIDERS[provider_name(provider)]


def provider_for_model(model: str) -> str | None:
    """The provider whose key a litellm model string needs (`openai/gpt-4o` → openai).

    None for models without a known provider prefix (local models, Ollama, bare names).
    """
    prefix, slash, _ = model.partition("/")
    if not slash:
        return None
    try:
        return provider_name(prefix)
    except UnknownProvider:
        return None


# --- secrets ----------------------------------------------------------------


def clean_secret(secret: str) -> str:
    """The key with surrounding whitespace removed; raises InvalidKey if it cannot be one."""
    value = secret.strip()
    if not value:
        raise InvalidKey("The key is empty. Paste the key itself.")
    if any(ch.isspace() for ch in value):
        raise InvalidKey("The key contains spaces or line breaks. Paste only the key, on one line.")
    if re.match(r"[A-Z][A-Z0-9_]*_(KEY|TOKEN)=", value):
        raise InvalidKey("Paste only the key, without the `NAME=` in front of it.")
    if not all(33 <= ord(ch) <= 126 for ch in value):
        raise InvalidKey(
            "The key contains characters API keys do not have (quotes from a word "
            "processor, or control characters). Copy it again from the provider's page."
        )
    if len(value) > MAX_KEY_LENGTH:
        raise InvalidKey(f"The key is longer than {MAX_KEY_LENGTH} characters; is it the key?")
    return value


def mask(secret: str) -> str:
    """A hint that tells keys apart without revealing them: `sk-…a1b2`, or `…` if short."""
    if len(secret) < 12:
        return "…"
    return f"{secret[:3]}…{secret[-4:]}"


# --- the keyring ------------------------------------------------------------


def keyring_available() -> bool:
    """False when keyring has no usable backend (fail, null, or an empty chainer)."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def _keyring_get(provider: str) -> str | None:
    """The stored key, or None when absent or when the keyring cannot be read."""
    if not keyring_available():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, provider)
    except KeyringError:
        return None


def _env_get(provider: str) -> str | None:
    value = os.environ.get(PROVIDERS[provider], "").strip()
    return value or None


def set_key(provider: str, secret: str) -> str:
    """Store a key in the keyring; returns its masked hint.

    Raises UnknownProvider, InvalidKey, or KeyringUnavailable.
    """
    name = provider_name(provider)
    value = clean_secret(secret)
    if not keyring_available():
        raise KeyringUnavailable(name)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, value)
    except KeyringError as exc:
        raise KeyringUnavailable(name, _reason(exc, value)) from None
    return mask(value)


def delete_key(provider: str) -> bool:
    """Remove the stored key. False when the keyring held none (or there is no keyring)."""
    name = provider_name(provider)
    if not keyring_available():
        return False
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if keyring.get_password(SERVICE, name) is None:
            return False
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise KeyringUnavailable(name, _reason(exc)) from None
    return True


def get_key(provider: str) -> str | None:
    """The key to use: the environment variable if set, else the keyring, else None."""
    name = provider_name(provider)
    return _env_get(name) or _keyring_get(name)


# --- keys for one server -----------------------------------------------------
# A key typed with an API base belongs to that server only: it is kept under its
# own keyring user (`server:<base>`), so it never replaces (or is sent in place
# of) the provider's key for the provider's own service.

SERVER_USER_PREFIX = "server:"


class ServerKeyNotStored(KeysError):
    def __init__(self, api_base: str, reason: str = "no system keyring is available here"):
        super().__init__(
            f"Cannot keep the key for {api_base}: {reason}. Set the provider's environment "
            "variable instead (OPENAI_API_KEY for an openai/ model), for example in your "
            "shell profile."
        )


def _server_user(api_base: str) -> str:
    return SERVER_USER_PREFIX + api_base.strip().rstrip("/")


def set_server_key(api_base: str, secret: str) -> str:
    """Keep a key for the server at `api_base` in the keyring; returns its masked hint.

    Raises InvalidKey or ServerKeyNotStored.
    """
    value = clean_secret(secret)
    if not keyring_available():
        raise ServerKeyNotStored(api_base)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, _server_user(api_base), value)
    except KeyringError as exc:
        raise ServerKeyNotStored(api_base, _reason(exc, value)) from None
    return mask(value)


def get_server_key(api_base: str) -> str | None:
    """The key kept for the server at `api_base`, or None."""
    if not keyring_available():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _server_user(api_base))
    except KeyringError:
        return None


def key_status(providers: list[str] | None = None) -> list[KeyStatus]:
    """Where each provider's key is found, with a masked hint. Never the key itself."""
    names = [provider_name(p) for p in providers] if providers else list(PROVIDERS)
    available = keyring_available()
    rows = []
    for name in names:
        variable = PROVIDERS[name]
        from_env = _env_get(name)
        stored = _keyring_get(name) if available else None
        if from_env:
            note = "the keyring also holds one (unused while the variable is set)" if stored else ""
            rows.append(KeyStatus(name, variable, "environment", mask(from_env), note))
        elif stored:
            rows.append(KeyStatus(name, variable, "keyring", mask(stored)))
        else:
            rows.append(KeyStatus(name, variable, "missing"))
    return rows


def _reason(exc: Exception, secret: str | None = None) -> str:
    text = str(exc) or type(exc).__name__
    if secret:
        text = text.replace(secret, mask(secret))
    return f"the system keyring refused ({text})"
