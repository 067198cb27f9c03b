"""Signing a JSON export, checking a signature, and the keyed attempt seals.

The signature is Ed25519 over the export's canonical JSON without its
`signature` member (keys sorted, no spaces, UTF-8; the same bytes however the
file is indented). It binds everything in the file: names, roles, every
headline figure, every attempt.

The seal of a redacted attempt is an HMAC-SHA256 of `hash + canonical JSON of
its content`, under a key derived from the signing key (HKDF-SHA256, info
`coach export seal v1`). Whoever lacks the organisation's private key cannot
recompute a seal after editing an attempt, even if they strip or replace the
signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from coach.export.orgkey import OrgKey, key_id, public_text

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALGORITHM = "ed25519"
SEAL_KEYED = "hmac-sha256"
SEAL_PLAIN = "sha256"
_SEAL_INFO = b"coach export seal v1"

Sealer = Callable[[str, dict[str, Any]], str]


def canon(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def signed_bytes(document: dict[str, Any]) -> bytes:
    """The bytes a signature covers: the whole document but its signature."""
    return canon({k: v for k, v in document.items() if k != "signature"}).encode("utf-8")


def sign_document(document: dict[str, Any], key: OrgKey) -> dict[str, Any]:
    """`document` with a `signature` member added (the input is not changed)."""
    value = key.private.sign(signed_bytes(document))
    return {
        **document,
        "signature": {
            "algorithm": ALGORITHM,
            "key_id": key.key_id,
            "public_key": key.public_text,
            "value": base64.b64encode(value).decode("ascii"),
        },
    }


def signature_problem(document: dict[str, Any], trusted: Ed25519PublicKey) -> str | None:
    """Why the document's signature does not hold for `trusted`; None when it does."""
    from cryptography.exceptions import InvalidSignature

    signature = document.get("signature")
    if not isinstance(signature, dict):
        return "the export is not signed"
    wanted = public_text(trusted)
    if signature.get("public_key") != wanted:
        return (
            f"signed with another key (key id {signature.get('key_id')}), not the "
            f"organisation's (key id {key_id(trusted)})"
        )
    try:
        raw = base64.b64decode(str(signature.get("value", "")), validate=True)
        trusted.verify(raw, signed_bytes(document))
    except (binascii.Error, ValueError, InvalidSignature):
        return "the signature does not match the content: the file was changed after signing"
    return None


def seal_key(key: OrgKey) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_INFO).derive(key.raw())


def plain_seal(attempt_hash: str, content: dict[str, Any]) -> str:
    """The unkeyed seal: anyone can recompute it (used only for unsigned exports)."""
    return hashlib.sha256((attempt_hash + canon(content)).encode("utf-8")).hexdigest()


def keyed_sealer(secret: bytes) -> Sealer:
    def seal(attempt_hash: str, content: dict[str, Any]) -> str:
        message = (attempt_hash + canon(content)).encode("utf-8")
        return hmac.new(secret, message, hashlib.sha256).hexdigest()

    return seal
