"""A per-attempt temp directory the agent's file tools work in, and cannot leave.

Every path the model gives is relative to the sandbox root and checked before
use: no absolute paths, no `..`, no NUL bytes, no name over 255 characters, no
path deeper than `MAX_DEPTH`, and no symlinks anywhere on the way (one the
sandbox did not create is refused too; files are opened with O_NOFOLLOW).
Reads return at most `max_read` bytes (with a note), a write is at most
`max_write` bytes and the sandbox holds at most `quota` bytes in all. No
subprocess and no network: plain file operations only. `close()` (or leaving
the `with` block) removes the directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

MAX_READ = 256 * 1024
MAX_WRITE = 1024 * 1024
QUOTA = 5 * 1024 * 1024
MAX_NAME = 255
MAX_DEPTH = 12
MAX_PATH = 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class SandboxError(ValueError):
    """A path or an operation the sandbox refuses; the message is shown to the model."""


class Sandbox:
    def __init__(
        self,
        files: Mapping[str, str] | None = None,
        *,
        max_read: int = MAX_READ,
        max_write: int = MAX_WRITE,
        quota: int = QUOTA,
    ) -> None:
        self.max_read = max_read
        self.max_write = max_write
        self.quota = quota
        self.root = Path(tempfile.mkdtemp(prefix="coach-agent-")).resolve()
        try:
            for path, content in (files or {}).items():
                self.write(path, content)
        except BaseException:
            self.close()
            raise

    # --- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- paths -------------------------------------------------------------

    @staticmethod
    def parts(path: object) -> list[str]:
        """The path's components, or SandboxError saying why it is refused."""
        if not isinstance(path, str):
            raise SandboxError("the path must be text")
        if "\x00" in path:
            raise SandboxError("the path contains a NUL byte")
        if len(path) > MAX_PATH:
            raise SandboxError(f"the path is longer than {MAX_PATH} characters")
        if "\\" in path:
            raise SandboxError("use / to separate folders")
        cleaned = path.strip()
        if (
            cleaned.startswith("/")
            or cleaned.startswith("~")
            or (len(cleaned) > 1 and cleaned[1] == ":")
        ):
            raise SandboxError("absolute paths are not allowed: give a path inside the sandbox")
        parts = [part for part in cleaned.split("/") if part not in ("", ".")]
        if not parts:
            raise SandboxError("the path is empty")
        if ".." in parts:
            raise SandboxError("'..' is not allowed: paths stay inside the sandbox")
        if any(len(part) > MAX_NAME for part in parts):
            raise SandboxError(f"a file or folder name is longer than {MAX_NAME} characters")
        if len(parts) > MAX_DEPTH:
            raise SandboxError(f"the path is nested deeper than {MAX_DEPTH} folders")
        return parts

    def resolve(self, path: object, *, create_dirs: bool = False) -> Path:
        """The real location of `path`, checked component by component (no symlinks)."""
        parts = self.parts(path)
        current = self.root
        for index, part in enumerate(parts):
            current = current / part
            last = index == len(parts) - 1
            try:
                info = os.lstat(current)
            except FileNotFoundError:
                if create_dirs and not last:
                    current.mkdir()
                continue
            if stat.S_ISLNK(info.st_mode):
                raise SandboxError(f"{'/'.join(parts[: index + 1])} is a symlink: refused")
            if not last and not stat.S_ISDIR(info.st_mode):
                raise SandboxError(f"{'/'.join(parts[: index + 1])} is not a folder")
        if not current.is_relative_to(self.root):  # belt and braces
            raise SandboxError("the path leaves the sandbox")
        return current

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # --- operations --------------------------------------------------------

    def list_files(self) -> list[str]:
        """Every regular file, as sandbox paths, sorted (symlinks are not followed or listed)."""
        found = []
        for folder, dirs, names in os.walk(self.root, followlinks=False):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            for name in names:
                full = os.path.join(folder, name)
                if stat.S_ISREG(os.lstat(full).st_mode):
                    found.append(self._relative(Path(full)))
        return sorted(found)

    def _open(self, path: Path, flags: int) -> int:
        try:
            return os.open(path, flags | _NOFOLLOW, 0o600)
        except FileNotFoundError:
            raise SandboxError(f"no such file: {self._relative(path)}") from None
        except IsADirectoryError:
            raise SandboxError(f"{self._relative(path)} is a folder, not a file") from None
        except OSError as error:  # ELOOP: a symlink slipped in
            raise SandboxError(f"cannot open {self._relative(path)}: {error.strerror}") from None

    def read(self, path: object) -> str:
        """The file's text, at most `max_read` bytes of it (with a note when cut)."""
        target = self.resolve(path)
        fd = self._open(target, os.O_RDONLY)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise SandboxError(f"{self._relative(target)} is a folder, not a file")
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(self.max_read + 1)
        text = data[: self.max_read].decode("utf-8", errors="replace")
        if len(data) > self.max_read:
            text += f"\n[truncated: only the first {self.max_read} bytes are shown]"
        return text

    def used(self) -> int:
        return sum((self.root / name).stat().st_size for name in self.list_files())

    def write(self, path: object, content: object) -> str:
        if not isinstance(content, str):
            raise SandboxError("the content must be text")
        data = content.encode("utf-8")
        if len(data) > self.max_write:
            raise SandboxError(f"the content is larger than {self.max_write} bytes")
        target = self.resolve(path)
        previous = target.stat().st_size if target.is_file() else 0
        if self.used() - previous + len(data) > self.quota:
            raise SandboxError(f"the sandbox is full (at most {self.quota} bytes in all)")
        target = self.resolve(path, create_dirs=True)
        fd = self._open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return self._relative(target)

    def delete(self, path: object) -> str:
        target = self.resolve(path)
        try:
            info = os.lstat(target)
        except FileNotFoundError:
            raise SandboxError(f"no such file: {self._relative(target)}") from None
        if not stat.S_ISREG(info.st_mode):
            raise SandboxError(f"{self._relative(target)} is not a file")
        os.unlink(target)
        return self._relative(target)

    def snapshot(self) -> dict[str, str]:
        """path → text of every file now in the sandbox (each cut at `max_read` bytes)."""
        files = {}
        for name in self.list_files():
            with contextlib.suppress(SandboxError, OSError):
                files[name] = self.read(name)
        return files
