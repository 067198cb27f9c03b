"""Reading a pack's files without letting the pack hang or exhaust coach.

A base module (no coach imports): the content loader and the trust record
both read pack files through it. A pack is someone else's folder, so:
- only regular files are read: a FIFO would block for ever, `/dev/zero`
  would fill memory; symlinks are followed only to regular files;
- opening never blocks (O_NONBLOCK), and the type is checked on the open
  descriptor, so a file swapped after a check is still caught;
- every file is read up to a size cap, and a pack has at most so many files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024  # an exercise with long materials is well under this
MAX_PACK_FILES = 5000
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules"})


class PackFileError(Exception):
    """A pack file coach will not read: not a regular file, too big, unreadable."""


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, if it is a regular file of at most `limit` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise PackFileError(f"cannot open: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PackFileError(f"not a regular file ({_kind(info.st_mode)}); only files are read")
        if info.st_size > limit:
            raise PackFileError(f"too big ({info.st_size:,} bytes; the limit is {limit:,})")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise PackFileError(f"too big (over {limit:,} bytes)")
        return b"".join(chunks)
    except OSError as error:
        raise PackFileError(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    try:
        return read_bytes(path, limit).decode("utf-8")
    except UnicodeDecodeError as error:
        raise PackFileError(f"not UTF-8 text: {error}") from None


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a file"


def pack_files(root: Path, suffix: str | None = None) -> Iterator[Path]:
    """Files under `root` in a stable order (symlinked folders not followed), capped in number.

    Yields every non-directory entry (so a FIFO named *.toml is reported by
    `read_bytes`, not skipped silently); raises PackFileError past the cap.
    """
    count = 0
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            if suffix is not None and not name.endswith(suffix):
                continue
            count += 1
            if count > MAX_PACK_FILES:
                raise PackFileError(f"more than {MAX_PACK_FILES} files in {root}")
            yield Path(directory) / name
