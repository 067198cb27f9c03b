"""Where content comes from: the built-in library and custom packs.

The built-in `levels/` and `exercises/` folders ship inside the wheel under
`coach/_data/`; in a source checkout they sit at the repository root.
A pack is any directory of exercise TOML files (searched recursively).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coach.config.trust import is_trusted
from coach.paths import private_pack_dir

BUILTIN = "builtin"
PACK_PATH_VARIABLE = "COACH_EXERCISE_PATH"


@dataclass(frozen=True)
class ContentSource:
    name: str
    root: Path
    exercises_dir: Path
    levels_file: Path | None = None
    roles_file: Path | None = None
    # The learner's own folder: its exercises never count for the level, and it
    # may not exist yet (that is not a problem).
    private: bool = False
    # May its python checks run? Built-in content yes; a pack only while the
    # user's trust record matches its files (`coach packs trust PATH`).
    trusted: bool = False

    def show(self, path: Path) -> str:
        """How a file is named in messages: relative for built-in content, absolute for packs."""
        if self.name == BUILTIN:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                return str(path)
        return str(path)


def builtin_root() -> Path:
    package = Path(__file__).resolve().parent.parent
    installed = package / "_data"
    if (installed / "levels").is_dir():
        return installed
    return package.parent  # a source checkout


def builtin_source(root: Path | None = None) -> ContentSource:
    root = root or builtin_root()
    return ContentSource(
        name=BUILTIN,
        root=root,
        exercises_dir=root / "exercises",
        levels_file=root / "levels" / "levels.toml",
        roles_file=root / "levels" / "roles.toml",
        trusted=True,
    )


def pack_source(directory: Path) -> ContentSource:
    directory = directory.expanduser().resolve()
    return ContentSource(
        name=str(directory),
        root=directory,
        exercises_dir=directory,
        trusted=directory.is_dir() and is_trusted(directory),
    )


def private_source() -> ContentSource:
    """The learner's own exercises (`coach exercises new`, "Practise on my own task").

    Untrusted like any pack: they are written without python checks, and a
    file dropped there runs no code unless the user trusts the folder.
    """
    directory = private_pack_dir().expanduser().resolve()
    return ContentSource(
        name=str(directory),
        root=directory,
        exercises_dir=directory,
        private=True,
        trusted=directory.is_dir() and is_trusted(directory),
    )


def env_pack_dirs() -> list[Path]:
    value = os.environ.get(PACK_PATH_VARIABLE, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def all_sources(pack_dirs: Iterable[Path] = ()) -> list[ContentSource]:
    """Built-in content, the learner's own folder, packs from the config and the environment.

    The environment's packs are the folders in `COACH_EXERCISE_PATH`.
    """
    private = private_source()
    sources = [builtin_source(), private]
    seen: set[Path] = {private.root}
    for directory in [*pack_dirs, *env_pack_dirs()]:
        source = pack_source(directory)
        if source.root not in seen:
            seen.add(source.root)
            sources.append(source)
    return sources
