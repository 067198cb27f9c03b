"""The organisation's export signing key: where it is kept, and nowhere else.

An Ed25519 private key (32 bytes, written as one line of base64). Looked up in
this order, the first found wins:

1. `COACH_EXPORT_SIGNING_KEY`: the base64 key itself (CI, containers);
2. `COACH_EXPORT_SIGNING_KEY_FILE`: a file holding it, which must be readable
   by its owner only (mode 0600 or stricter) or it is refused;
3. the OS keyring: service "coach", user "export-signing-key".

The private key is never printed, logged or written into an export; only its
public half and a short key id (`sha256(public key)[:16]`) are. Error messages
never contain it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.keys import SERVICE, keyring_available

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

ENV_KEY = "COACH_EXPORT_SIGNING_KEY"
ENV_FILE = "COACH_EXPORT_SIGNING_KEY_FILE"
KEYRING_USER = "export-signing-key"
PUBLIC_PREFIX = "ed25519:"
_RAW_LENGTH = 32


class SigningKeyError(Exception):
    """A signing key that cannot be used; the message is meant for the user as is."""


@dataclass(frozen=True)
class OrgKey:
    """The organisation's signing key and where it was found (never its value)."""

    private: Ed25519PrivateKey
    source: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def public_text(self) -> str:
        return public_text(self.public)

    @property
    def key_id(self) -> str:
        return key_id(self.public)

    def raw(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def __repr__(self) -> str:  # never the key itself
        return f"OrgKey(key_id={self.key_id!r}, source={self.source!r})"


def _public_raw(public: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_text(public: Ed25519PublicKey) -> str:
    """`ed25519:<base64>`: how a public key is printed, published and passed back."""
    return PUBLIC_PREFIX + base64.b64encode(_public_raw(public)).decode("ascii")


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_public_raw(public)).hexdigest()[:16]


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key from `ed25519:<base64>` (the prefix optional) or a file holding it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    value = text.strip()
    candidate = Path(value)
    if not value.startswith(PUBLIC_PREFIX) and len(value) < 4096 and candidate.is_file():
        value = candidate.read_text(encoding="utf-8").strip()
    value = value.removeprefix(PUBLIC_PREFIX)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _RAW_LENGTH:
        raise SigningKeyError(
            "not an Ed25519 public key: expected `ed25519:` and 44 base64 characters "
            "(what `coach keys export-signing-public` prints), or a file holding it"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def _private_from_text(text: str, where: str) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _RAW_LENGTH:
        # The message says where, never what: the text may be most of a key.
        raise SigningKeyError(
            f"the export signing key in {where} is not one: expected one line of "
            f"base64 holding {_RAW_LENGTH} bytes"
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def _encode(private: Ed25519PrivateKey) -> str:
    return base64.b64encode(OrgKey(private, "").raw()).decode("ascii")


def check_private_file(path: Path) -> None:
    """Refuse a key file that other users could read (POSIX only)."""
    if sys.platform == "win32":
        return  # NTFS ACLs are not mode bits; the README says to restrict the file
    try:
        info = path.stat()
    except OSError as error:
        raise SigningKeyError(f"cannot read the export signing key file {path}: {error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SigningKeyError(f"the export signing key file {path} is not a regular file")
    if info.st_mode & 0o077:
        raise SigningKeyError(
            f"the export signing key file {path} can be read by other users "
            f"(mode {stat.S_IMODE(info.st_mode):o}); run `chmod 600 {path}`"
        )
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise SigningKeyError(f"the export signing key file {path} belongs to another user")


def _from_file(path: Path) -> OrgKey:
    check_private_file(path)
    text = path.read_text(encoding="utf-8")
    return OrgKey(_private_from_text(text, f"the file {path}"), f"file {path}")


def _keyring_get() -> str | None:
    if not keyring_available():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, KEYRING_USER)
    except KeyringError:
        return None


def find_org_key() -> OrgKey | None:
    """The organisation key from the environment, a key file or the keyring; None if none.

    Raises SigningKeyError when one is configured but unusable (a bad value, a
    key file others can read): silently signing with nothing would be worse.
    """
    if value := os.environ.get(ENV_KEY, "").strip():
        return OrgKey(_private_from_text(value, ENV_KEY), "environment")
    if file := os.environ.get(ENV_FILE, "").strip():
        return _from_file(Path(file).expanduser())
    stored = _keyring_get()
    if stored:
        return OrgKey(_private_from_text(stored, "the keyring"), "keyring")
    return None


def where_to_keep() -> str:
    """A sentence on where a new key would go here."""
    if keyring_available():
        return "the system keyring"
    return f"a file named by {ENV_FILE} (no system keyring is available here)"


def store_org_key(private: Ed25519PrivateKey, file: Path | None = None) -> OrgKey:
    """Keep `private` in the keyring, or in `file` (created with mode 0600)."""
    text = _encode(private)
    if file is not None:
        file = file.expanduser()
        file.parent.mkdir(parents=True, exist_ok=True)
        if file.exists():
            check_private_file(file)
        # 0600 from the first byte: never a moment where others could read it.
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.chmod(file, 0o600)
        return OrgKey(private, f"file {file}")
    if not keyring_available():
        raise SigningKeyError(
            "no system keyring is available here: keep the key in a file instead "
            f"(`--file PATH`, then set {ENV_FILE}=PATH), or set {ENV_KEY}"
        )
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, KEYRING_USER, text)
    except KeyringError as error:
        raise SigningKeyError(
            f"the system keyring refused the key ({type(error).__name__}); keep it in a "
            f"file instead (`--file PATH`, then set {ENV_FILE}=PATH)"
        ) from None
    return OrgKey(private, "keyring")


def new_org_key(file: Path | None = None) -> OrgKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return store_org_key(Ed25519PrivateKey.generate(), file)


def import_org_key(text: str, file: Path | None = None) -> OrgKey:
    """Keep a key given as base64 (from another machine of the organisation)."""
    return store_org_key(_private_from_text(text, "the input"), file)
