"""The user's settings: one TOML file, read into a pydantic model.

Where the file lives: `COACH_CONFIG` names it outright; otherwise it is
`config.toml` in the config folder (`coach.paths.config_file()`, which honours
`COACH_HOME`). A missing file means "all defaults". Every model forbids
unknown fields, so a typo is reported with the file, the setting and the fix
instead of being silently ignored.

API keys never live here. A setting that looks like a key (`api_key`,
`*_key`, `*_token`, `*_secret`, `password`), or a value that looks like one
(`sk-…`), is refused with a pointer to `coach keys set PROVIDER`; `save_config`
runs the same check before it writes, so no code path can put a key on disk.

Saving writes only the settings that were set or changed (a file loaded from
disk is written back as it was, minus comments), so a default that changes in
a later release reaches users who never touched it.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from coach import paths

CONFIG_VARIABLE = "COACH_CONFIG"
DATABASE_VARIABLE = "COACH_DATABASE_URL"
DEFAULT_MODEL = "local/smollm2"
DEFAULT_THEME = "textual-dark"

# Settings whose keys are the user's own names (model strings, binding ids),
# not field names: they are neither split on dots nor checked for key-like names.
MAP_FIELDS = frozenset({"api_base", "keymap"})

HEADER = (
    "# coach settings. `coach config show` prints every value, defaults included.\n"
    "# API keys do not belong here: run `coach keys set PROVIDER` instead.\n\n"
)

_FIX_VALUE = "Fix the value or delete the line to use the default."


# --- errors -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the settings: where, what, and how to fix it."""

    field: str  # dotted path, "" for the whole file
    what: str
    fix: str = _FIX_VALUE


class ConfigError(Exception):
    """The config file (or a value given to `coach config set`) is unusable.

    `str(error)` is the message for the user: one line per problem, each naming
    the file, the setting and the fix.
    """

    def __init__(self, path: Path, problems: Iterable[Problem], *, changing: bool = False):
        self.path = path
        self.problems = list(problems)
        self.changing = changing
        super().__init__(self._message())

    def _message(self) -> str:
        shown = display_path(self.path)
        lines = []
        for problem in self.problems:
            if self.changing:
                where = f"{problem.field}: " if problem.field else ""
                fix = "" if problem.fix == _FIX_VALUE else f" {problem.fix}"
                lines.append(f"{where}{problem.what}.{fix} Nothing was changed in {shown}.")
            else:
                where = f"{shown}: {problem.field}: " if problem.field else f"{shown}: "
                lines.append(f"{where}{problem.what}. {problem.fix}")
        return "\n".join(lines)


def display_path(path: Path) -> str:
    """A path as shown in messages, with the home folder as `~`."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


# --- the model --------------------------------------------------------------


class _Settings(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )


def _one_word(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not value:
        raise ValueError(f"must not be empty ({what})")
    if any(ch.isspace() for ch in value):
        raise ValueError(f"must not contain spaces ({what})")
    return value


class Learner(_Settings):
    """Who is practising. All optional: the first-run screen fills them in."""

    name: str | None = Field(default=None, min_length=1)
    email: str | None = None
    role: str | None = Field(
        default=None,
        description="A role id from roles.toml; it sets the target level.",
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
            raise ValueError("must be an email address like ana@example.com")
        return value

    @field_validator("role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise ValueError(
                "must be a role id: lower-case letters, digits and dashes, like `analyst`"
            )
        return value


Tier = Literal["small", "standard", "frontier"]


class ModelEntry(_Settings):
    """A named model the learner can pick. The tier weighs its output as evidence."""

    name: str = Field(min_length=1, description="What the learner sees, like `GPT-4o mini`.")
    model: str = Field(min_length=1, description="litellm model string, like openai/gpt-4o-mini.")
    api_base: str | None = Field(default=None, description="Server URL for self-hosted models.")
    tier: Tier = "standard"

    @field_validator("model")
    @classmethod
    def _model_string(cls, value: str) -> str:
        return _one_word(value, "a model string like openai/gpt-4o-mini") or value

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None:
            _check_url(value, "this model")
        return value


def _check_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"the URL for {what} must start with http:// or https://, like http://localhost:11434"
        )
    if parts.password is not None:
        raise ValueError(
            f"the URL for {what} must not contain a password; "
            "store keys with `coach keys set PROVIDER`"
        )


class Config(_Settings):
    """Everything a user can set. Absent settings take the defaults below."""

    learner: Learner = Field(default_factory=Learner)
    model: str = Field(
        default=DEFAULT_MODEL,
        description="The practice model: a name from `models` or a litellm model string.",
    )
    models: list[ModelEntry] = Field(
        default_factory=list, description="Named models with their tier and server."
    )
    coach_model: str | None = Field(default=None, description="Model that writes critiques.")
    judge_model: str | None = Field(default=None, description="Model for model-graded checks.")
    api_base: dict[str, str] = Field(
        default_factory=dict, description="Base URL per model string (Ollama, proxies, …)."
    )
    spend_cap_usd: float = Field(default=1.0, ge=0, description="Spend cap per session, in USD.")
    trap_rate: float | None = Field(
        default=None, ge=0, le=1, description="Overrides each exercise's trap rate."
    )
    theme: str = Field(default=DEFAULT_THEME, min_length=1)
    keymap: dict[str, str] = Field(default_factory=dict, description="Binding id → key.")
    packs: list[Path] = Field(default_factory=list, description="Extra exercise folders.")
    trusted_packs: list[Path] = Field(
        default_factory=list,
        description="Pack folders whose python checks may run (sandboxed). Trust is yours to give.",
    )
    database_url: str | None = Field(
        default=None, description=f"SQLAlchemy URL; {DATABASE_VARIABLE} wins over it."
    )

    @field_validator("model", "coach_model", "judge_model")
    @classmethod
    def _model_string(cls, value: str | None) -> str | None:
        return _one_word(value, "a model string like openai/gpt-4o-mini")

    @field_validator("api_base")
    @classmethod
    def _urls(cls, value: dict[str, str]) -> dict[str, str]:
        for model, url in value.items():
            _one_word(model, "the model string")
            _check_url(url, model)
        return value

    @field_validator("keymap")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {}
        for binding, key in value.items():
            if not binding.strip() or not key.strip():
                raise ValueError("binding ids and keys must not be empty")
            cleaned[binding.strip()] = key.strip()
        return cleaned

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is not None and "://" not in value:
            raise ValueError(
                "must be a database URL like sqlite:///path/to/coach.db or postgresql://host/coach"
            )
        return value

    def pack_dirs(self, base: Path | None = None) -> list[Path]:
        """Pack folders with `~` expanded; relative ones are taken from the config folder."""
        base = base or config_path().parent
        return [base / p.expanduser() for p in self.packs]  # `/` keeps absolute paths as is

    def trusted_pack_dirs(self, base: Path | None = None) -> list[Path]:
        base = base or config_path().parent
        return [(base / p.expanduser()).resolve() for p in self.trusted_packs]

    def effective_database_url(self) -> str:
        """`COACH_DATABASE_URL`, else `database_url`, else SQLite in the data folder."""
        env = os.environ.get(DATABASE_VARIABLE)
        return env or self.database_url or paths.default_database_url()

    def model_entry(self, name_or_model: str) -> ModelEntry | None:
        """The configured model with this name (or, failing that, this model string)."""
        for entry in self.models:
            if entry.name == name_or_model:
                return entry
        return next((entry for entry in self.models if entry.model == name_or_model), None)

    def api_base_for(self, model: str) -> str | None:
        entry = self.model_entry(model)
        if entry is not None and entry.api_base:
            return entry.api_base
        return self.api_base.get(model)

    @model_validator(mode="after")
    def _unique_model_names(self) -> Config:
        names = [entry.name for entry in self.models]
        if duplicates := sorted({name for name in names if names.count(name) > 1}):
            raise ValueError(f"models: each name must be used once (repeated: {duplicates})")
        return self


# --- where the file is ------------------------------------------------------


def config_path() -> Path:
    """The config file: `COACH_CONFIG` if set, else `config.toml` in the config folder."""
    named = os.environ.get(CONFIG_VARIABLE)
    return Path(named).expanduser() if named else paths.config_file()


# --- keeping keys out -------------------------------------------------------

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


def _join(prefix: str, name: Any) -> str:
    """Dotted setting path; names that are not bare TOML keys are quoted."""
    name = str(name)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        name = json.dumps(name, ensure_ascii=False)
    return f"{prefix}.{name}" if prefix else name


# --- reading ----------------------------------------------------------------


def _read_table(path: Path) -> dict[str, Any] | None:
    """The file's TOML table, or None when there is no file."""

    def unusable(what: str, fix: str) -> ConfigError:
        return ConfigError(path, [Problem("", what, fix)])

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise unusable("this is a folder, not a file", "Remove it or set COACH_CONFIG.") from None
    except OSError as exc:
        raise unusable(f"cannot be read ({exc.strerror})", "Check its permissions.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise unusable("is not UTF-8 text", "Save it as UTF-8 or delete it.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [_syntax_problem(str(exc))]) from None


def _syntax_problem(message: str) -> Problem:
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        what = f"line {match[1]}, column {match[2]}: not valid TOML ({message[: match.start()]})"
    else:
        where = re.search(r"\s*\(at end of document\)$", message)
        detail = message[: where.start()] if where else message
        what = f"end of file: not valid TOML ({detail})"
    return Problem(
        "",
        what,
        'Fix that line (text values need quotes: model = "openai/gpt-4o-mini") '
        "or delete the file to use the defaults.",
    )


def _validate(table: dict[str, Any], path: Path, *, changing: bool = False) -> Config:
    secrets = _find_secrets(table)
    if secrets:
        raise ConfigError(path, secrets, changing=changing)
    try:
        return Config.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(path, _problems(exc), changing=changing) from None


def load_config(path: Path | None = None) -> Config:
    """Read the settings. A missing file gives the defaults; a bad one raises ConfigError."""
    path = path or config_path()
    table = _read_table(path)
    return Config() if table is None else _validate(table, path)


# --- validation messages ----------------------------------------------------

_TYPE_MESSAGES = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "string_type": "must be text in quotes",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": 'must be a list, like ["~/my-exercises"]',
    "dict_type": "must be a table of names and values",
    "model_type": "must be a table (a [section] with settings under it)",
    "path_type": "must be a folder path in quotes",
    "finite_number": "must be a finite number",
    "string_too_short": "must not be empty",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = _join(out, part)
    return out


def _known_fields(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        annotation = model.model_fields.get(str(part))
        if annotation is None or not isinstance(annotation.annotation, type):
            return []
        if not issubclass(annotation.annotation, BaseModel):
            return []
        model = annotation.annotation
    return list(model.model_fields)


def _show_value(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float) and not math.isfinite(value):
        text = str(value)
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        field = _field_path(loc)
        kind = error["type"]
        ctx = error.get("ctx") or {}
        if kind == "extra_forbidden":
            known = _known_fields(loc)
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            fix = f"Did you mean `{close[0]}`? " if close else ""
            fix += "Check the spelling"
            if known:
                fix += f" (known settings here: {', '.join(known)})"
            problems.append(Problem(field, "unknown setting", fix + "."))
            continue
        if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            bound = {
                "greater_than_equal": ("at least", "ge"),
                "less_than_equal": ("at most", "le"),
                "greater_than": ("more than", "gt"),
                "less_than": ("less than", "lt"),
            }[kind]
            what = f"must be {bound[0]} {_number(ctx.get(bound[1]))}"
        elif kind in _TYPE_MESSAGES:
            what = _TYPE_MESSAGES[kind]
        elif kind == "value_error":
            what = str(error["msg"]).removeprefix("Value error, ")
        else:
            msg = str(error["msg"])
            what = msg[:1].lower() + msg[1:]
        if "input" in error and not isinstance(error["input"], dict | list):
            what += f" (got {_show_value(error['input'])})"
        problems.append(Problem(field, what))
    return problems


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- writing ----------------------------------------------------------------


def _to_table(config: Config, *, everything: bool) -> dict[str, Any]:
    """Every value, or those that were set or differ from the default (never None)."""
    if everything:
        return config.model_dump(mode="json", exclude_none=True)
    was_set = config.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    changed = config.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return _union(was_set, changed)


def _union(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Keys of both dumps; nested tables merged (`c.learner.name = …` does not mark `learner`
    as set, and `c.packs.append(…)` marks nothing, so either dump alone can miss a change)."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _union(out[key], value)
        else:
            out[key] = value
    return out


def to_toml(config: Config, *, everything: bool = True) -> str:
    """The settings as TOML: every value (for `config show`) or only those set (for saving)."""
    return tomli_w.dumps(_to_table(config, everything=everything))


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the settings that were set, atomically. Refuses anything that looks like a key."""
    path = path or config_path()
    table = _to_table(config, everything=False)
    secrets = _find_secrets(table)
    if secrets:
        raise ConfigError(path, secrets, changing=True)
    _write_atomic(path, HEADER + tomli_w.dumps(table))
    return path


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- changing one setting (`coach config set/unset`) ------------------------


def _split(dotted: str) -> list[str]:
    dotted = dotted.strip()
    top, _, rest = dotted.partition(".")
    parts = [top, rest] if top in MAP_FIELDS and rest else dotted.split(".")
    if any(not part for part in parts):
        raise ValueError(f"{dotted!r} is not a setting name; try `model` or `learner.name`")
    return parts


def _parse_value(parts: list[str], text: str) -> Any:
    stripped = text.strip()
    try:
        parsed = tomllib.loads(f"value = {stripped}")["value"]
    except tomllib.TOMLDecodeError:
        parsed = None
    field = Config.model_fields.get(parts[0])
    annotation = field.annotation if field is not None and len(parts) == 1 else None
    if isinstance(parsed, list | dict):
        return parsed
    number = isinstance(parsed, int | float) and not isinstance(parsed, bool)
    if number and (annotation is float or float in get_args(annotation)):
        return parsed
    if annotation == list[Path]:
        return [stripped]
    return stripped


def set_value(dotted: str, text: str, path: Path | None = None) -> Config:
    """Set one setting from command-line text, validate the whole file, then save it.

    Text is taken as is for text and number settings; `[…]` and `{…}` are read as
    TOML arrays and inline tables; a single folder for `packs` becomes a one-item list.
    """
    path = path or config_path()
    parts = _split(dotted)
    field = ".".join(parts)
    if parts[0] not in MAP_FIELDS and any(looks_like_key_name(p) for p in parts):
        raise ConfigError(path, [_key_problem(field, parts[-1])], changing=True)
    value = _parse_value(parts, text)
    table = _read_table(path) or {}
    node = table
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value
    config = _validate(table, path, changing=True)
    save_config(config, path)
    return config


def unset_value(dotted: str, path: Path | None = None) -> bool:
    """Remove one setting so its default applies. False when it was not set."""
    path = path or config_path()
    parts = _split(dotted)
    table = _read_table(path)
    if table is None:
        return False
    trail: list[dict[str, Any]] = [table]
    for part in parts[:-1]:
        child = trail[-1].get(part)
        if not isinstance(child, dict):
            return False
        trail.append(child)
    if parts[-1] not in trail[-1]:
        return False
    del trail[-1][parts[-1]]
    for depth in range(len(trail) - 1, 0, -1):  # drop tables left empty
        if not trail[depth]:
            del trail[depth - 1][parts[depth - 1]]
    save_config(_validate(table, path, changing=True), path)
    return True


# --- showing ----------------------------------------------------------------


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
