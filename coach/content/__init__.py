"""Content: levels, roles and exercises, loaded from TOML and validated."""

from coach.content.files import Problem
from coach.content.loader import Catalog, LoadedExercise, load_catalog
from coach.content.models import Exercise, Kind, Level, Role
from coach.content.sources import all_sources, builtin_source, pack_source

__all__ = [
    "Catalog",
    "Exercise",
    "Kind",
    "Level",
    "LoadedExercise",
    "Problem",
    "Role",
    "all_sources",
    "builtin_source",
    "load_catalog",
    "pack_source",
]
