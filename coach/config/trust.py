"""Which packs may run python checks: a record of path + content hash, given by the user.

`coach packs trust PATH` records the pack's folder with a SHA-256 over every
file in it (relative path and bytes). A pack is trusted only while its files
still hash to the recorded value: a changed pack must be trusted again.
Built-in content is always trusted; that decision is the content loader's.

The record is `trusted-packs.json` in the config folder, written atomically.

The config's old `trusted_packs` list still counts, once: the first time a
listed pack is seen without a record, it is recorded with its current hash
(a migration), and from then on the record decides: `coach packs untrust`
removes it for good, and a changed pack needs `coach packs trust` again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ValidationError

from coach import paths
from coach.packfiles import PackFileError, pack_files, read_bytes

TRUST_FILE = "trusted-packs.json"


class TrustState(StrEnum):
    TRUSTED = "trusted"
    CHANGED = "changed since trusted"
    UNTRUSTED = "untrusted"


class TrustRecord(BaseModel):
    path: str
    sha256: str
    files: int
    trusted_at: str


class TrustFile(BaseModel):
    packs: list[TrustRecord] = []
    # Old `trusted_packs` entries already turned into records (or later untrusted).
    migrated: list[str] = []


def trust_file() -> Path:
    return paths.config_dir() / TRUST_FILE


def key(root: Path) -> str:
    return str(Path(root).expanduser().resolve())


def pack_hash(root: Path) -> tuple[str, int]:
    """SHA-256 over every file of the pack (relative path and bytes), and the file count.

    A file coach will not read (a FIFO, a device, too big) is hashed by its
    name and the reason, so the hash is stable and loading reports it.
    """
    root = Path(root).expanduser().resolve()
    digest = hashlib.sha256()
    count = 0
    for path in sorted(pack_files(root)):
        relative = path.relative_to(root).as_posix()
        try:
            data = read_bytes(path)
        except PackFileError as error:
            data = f"<unreadable: {error}>".encode()
        digest.update(len(relative.encode()).to_bytes(8, "big") + relative.encode())
        digest.update(len(data).to_bytes(8, "big") + data)
        count += 1
    return digest.hexdigest(), count


def _load() -> TrustFile:
    try:
        text = trust_file().read_text(encoding="utf-8")
    except OSError:
        return TrustFile()
    try:
        return TrustFile.model_validate(json.loads(text))
    except (ValueError, ValidationError):
        return TrustFile()  # a damaged record trusts nothing


def load_records() -> dict[str, TrustRecord]:
    return {record.path: record for record in _load().packs}


def _save(records: dict[str, TrustRecord], migrated: set[str] | None = None) -> None:
    file = trust_file()
    file.parent.mkdir(parents=True, exist_ok=True)
    done = set(_load().migrated) | (migrated or set())
    body = TrustFile(
        packs=sorted(records.values(), key=lambda r: r.path), migrated=sorted(done)
    ).model_dump_json(indent=2)
    fd, temporary = tempfile.mkstemp(dir=file.parent, prefix=".trust-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body + "\n")
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def trust(root: Path, *, migrating: bool = False) -> TrustRecord:
    """Record the pack as trusted with its current content hash."""
    root_key = key(root)
    if not Path(root_key).is_dir():
        raise PackFileError(f"{root_key} is not a folder")
    digest, count = pack_hash(Path(root_key))
    record = TrustRecord(
        path=root_key,
        sha256=digest,
        files=count,
        trusted_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    records = load_records()
    records[root_key] = record
    _save(records, {root_key} if migrating else None)
    return record


def untrust(root: Path) -> bool:
    """Forget the pack's record; False when there was none."""
    records = load_records()
    removed = records.pop(key(root), None)
    if removed is not None:
        _save(records)
    return removed is not None


def _legacy_trusted() -> set[str]:
    """Packs in the config's old `trusted_packs` list (a config that cannot load lists none)."""
    try:
        from coach.config.files import load_config

        config = load_config()
    except Exception:  # a broken config trusts nothing
        return set()
    return {str(path) for path in config.trusted_pack_dirs()}


def state(root: Path, records: dict[str, TrustRecord] | None = None) -> TrustState:
    """Trusted, changed since trusted, or untrusted; migrates an old `trusted_packs` entry."""
    root_key = key(root)
    records = load_records() if records is None else records
    record = records.get(root_key)
    if record is None:
        legacy = root_key in _legacy_trusted() and root_key not in _load().migrated
        if legacy and Path(root_key).is_dir():
            trust(Path(root_key), migrating=True)
            return TrustState.TRUSTED
        return TrustState.UNTRUSTED
    try:
        digest, _ = pack_hash(Path(root_key))
    except PackFileError:
        return TrustState.CHANGED
    return TrustState.TRUSTED if digest == record.sha256 else TrustState.CHANGED


def is_trusted(root: Path) -> bool:
    return state(root) is TrustState.TRUSTED


_checked: dict[str, tuple[tuple[tuple[str, int, int], ...], bool]] = {}  # root -> (files, verdict)


def still_trusted(root: Path) -> bool:
    """`is_trusted`, checked again when a python check is about to run.

    The trust was decided when the pack loaded; a pack edited since (a pull
    while the app is open) must not run new code. The files' names, sizes
    and modification times are compared first, so an unchanged pack is not
    hashed again on every grade.
    """
    root_key = key(root)
    try:
        signature = tuple(
            (str(path), (info := path.stat()).st_size, info.st_mtime_ns)
            for path in sorted(pack_files(Path(root_key)))
        )
    except (OSError, PackFileError):
        return False
    record = load_records().get(root_key)
    signature += ((record.sha256 if record else "", 0, 0),)  # a new record decides anew
    cached = _checked.get(root_key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    verdict = is_trusted(Path(root_key))
    _checked[root_key] = (signature, verdict)
    return verdict


HOW_TO_TRUST = "to run it, trust the pack: `coach packs trust {path}`"
