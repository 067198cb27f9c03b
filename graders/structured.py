"""Structured-output graders: json, set_equals, f1, label_in."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from typing import Any

from graders._text import listing, parse_items, plural, q, shorten, squash, strip_fence
from graders.context import GradeContext
from graders.dates import find_dates
from graders.normalize import fold_typography, normalize
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult
from graders.values import first_number, fmt

# --- json -------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)
_JSON_START = re.compile(r"[\[{]")


def _decode_at(text: str, index: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, index)
    except ValueError:
        return None


def read_json(output: str, allow_fence: bool = False) -> tuple[Any, str | None]:
    """Parse an output that must be bare JSON: (value, None) or (None, plain-words problem)."""
    text = output.strip()
    if not text:
        return None, "the output is empty; expected JSON"
    inner, fenced = strip_fence(text)
    if fenced:
        if not allow_fence:
            return None, "the JSON is wrapped in a code fence (```); it must be bare JSON"
        text = inner
    try:
        value, end = _DECODER.raw_decode(text)
    except json.JSONDecodeError as error:
        for match in _JSON_START.finditer(text, 1):
            if _decode_at(text, match.start()) is not None:
                return None, f"extra text before the JSON: {q(text[: match.start()])}"
        near = shorten(text[max(0, error.pos - 25) : error.pos + 25], 60)
        return None, (
            f"not valid JSON: {error.msg.lower()} at line {error.lineno}, "
            f"column {error.colno} (near {q(near, 60)})"
        )
    except ValueError as error:
        return None, f"not valid JSON: {error}"
    if rest := text[end:].strip():
        return None, f"extra text after the JSON: {q(rest)}"
    return value, None


@functools.lru_cache(maxsize=256)
def _validator(schema_text: str) -> Any:
    from jsonschema import Draft202012Validator, exceptions, validators

    schema = json.loads(schema_text)
    cls = validators.validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except exceptions.SchemaError as error:
        raise BadOptions(f"the schema is not valid JSON Schema: {shorten(error.message)}") from None
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _value(value: Any, limit: int = 40) -> str:
    return shorten(json.dumps(value, ensure_ascii=False), limit)


def _where(error: Any) -> str:
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "the top level"


def _plain_schema_error(error: Any) -> str:
    kind = error.validator
    expected = error.validator_value
    got = error.instance
    if kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
        shown = "" if isinstance(got, dict | list) or got is None else f" {_value(got)}"
        return f"{_where(error)} should be {words}, not {_json_type(got)}{shown}"
    if kind == "const":
        return f"{_where(error)} should be {_value(expected)}, not {_value(got)}"
    if kind == "enum":
        options = ", ".join(json.dumps(v, ensure_ascii=False) for v in expected)
        return f"{_where(error)} should be one of {shorten(options, 60)}, not {_value(got)}"
    if kind == "required":
        match = re.match(r"^(.*) is a required property$", error.message)
        missing = match.group(1) if match else error.message
        where = "" if _where(error) == "the top level" else f" in {_where(error)}"
        return f"missing the key {shorten(missing, 40)}{where}"
    if kind == "additionalProperties" and isinstance(got, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [key for key in got if key not in allowed]
        where = "" if _where(error) == "the top level" else f" in {_where(error)}"
        return f"unexpected {plural(len(extra), 'key')}{where}: {listing(extra)}"
    if kind == "pattern":
        return f"{_where(error)} is {_value(got)}, which does not match {q(str(expected), 40)}"
    return f"{_where(error)}: {shorten(error.message, 100)}"


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return f"a list of {plural(len(value), 'item')}"
    if isinstance(value, dict):
        return f"an object with {plural(len(value), 'key')}"
    return _json_type(value)


@register("json", options={"schema": Opt("table"), "allow_fence": Opt("bool", default=False)})
def json_check(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The output is bare JSON (a fence only if allowed) and fits the schema if one is given."""
    schema = options.get("schema")
    if schema is not None:
        try:
            schema_text = json.dumps(schema, sort_keys=True)
        except (TypeError, ValueError):
            raise BadOptions(
                "the schema holds a value JSON cannot express (a TOML date?)"
            ) from None
        validator = _validator(schema_text)
    value, problem = read_json(output, options["allow_fence"])
    if problem is not None:
        return GradeResult.fail(problem, code=f"json.{_problem_code(problem)}")
    if schema is None:
        return GradeResult.ok(f"valid JSON ({_describe(value)})", code="json.valid")
    errors = sorted(
        validator.iter_errors(value),
        key=lambda e: ([str(p) for p in e.absolute_path], e.message),
    )
    if not errors:
        return GradeResult.ok(
            f"valid JSON ({_describe(value)}) that fits the schema", code="json.valid"
        )
    messages = list(dict.fromkeys(_plain_schema_error(error) for error in errors))
    shown = "; ".join(messages[:3])
    more = f"; and {len(messages) - 3} more" if len(messages) > 3 else ""
    problems = plural(len(messages), "problem")
    return GradeResult.fail(
        f"valid JSON, but {problems} with the schema: {shown}{more}",
        code="json.schema",
        data={"problems": messages[:10]},
    )


def _problem_code(problem: str) -> str:
    """The code of a `read_json` problem (its wording is made in this module)."""
    if problem.startswith("the output is empty"):
        return "empty"
    if problem.startswith("the JSON is wrapped in a code fence"):
        return "fenced"
    if problem.startswith("extra text before"):
        return "text_before"
    if problem.startswith("extra text after"):
        return "text_after"
    return "invalid"


# --- set_equals and f1 -------------------------------------------------------

_NORMALIZERS = ("case", "whitespace")
# How items are compared: as text, or by the value they state (1,200 = $1,200.00;
# 1 March 2026 = 2026-03-01).
_COMPARE = ("text", "number", "date")


def _normalizer(options: dict[str, Any]) -> Any:
    steps = options["normalize"]
    if unknown := [step for step in steps if step not in _NORMALIZERS]:
        raise BadOptions(f"normalize takes {' and '.join(_NORMALIZERS)}, not {listing(unknown)}")
    compare = options["compare"]
    if compare not in _COMPARE:
        raise BadOptions(f"compare takes {', '.join(_COMPARE)}, not {compare!r}")
    day_first = options.get("day_first")

    def norm_text(item: str) -> str:
        if "whitespace" in steps:
            item = squash(item)
        else:
            item = fold_typography(unicodedata.normalize("NFKC", item))
        return item.casefold() if "case" in steps else item

    def norm(item: str) -> str:
        if compare == "number":
            found = first_number(item, words=True)
            if found is not None:
                return f"number:{fmt(found.value)}:{found.currency or ''}"
        elif compare == "date":
            dates = [d for d in find_dates(item, day_first=day_first) if d.value is not None]
            if dates:
                return f"date:{dates[0].value.isoformat()}"  # type: ignore[union-attr]
        return norm_text(item)

    return norm


def _compare(
    output: str, options: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str], list[str], list[str], str]:
    norm = _normalizer(options)
    items, _how = parse_items(output, options["allow_fence"])
    want = {norm(item): item for item in options["expected"]}
    got: dict[str, str] = {}
    for item in items:
        got.setdefault(norm(item), item)
    missing = [original for key, original in want.items() if key not in got]
    extra = [original for key, original in got.items() if key not in want]
    note = ""
    if strip_fence(output)[1] and not options["allow_fence"]:
        note = " (the list is wrapped in a code fence, which is not allowed here)"
    return want, got, missing, extra, note


def _differences(missing: list[str], extra: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"missing {listing(missing)}")
    if extra:
        parts.append(f"unexpected {listing(extra)}")
    return "; ".join(parts)


LIST_OPTIONS = {
    "expected": Opt("texts", required=True),
    "normalize": Opt("texts", default=list(_NORMALIZERS)),
    "allow_fence": Opt("bool", default=False),
    "compare": Opt("text", default="text"),
    "day_first": Opt("bool"),
}


@register("set_equals", options=LIST_OPTIONS)
def set_equals(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The output lists exactly the expected items, in any order; the score is their overlap."""
    want, got, missing, extra, note = _compare(output, options)
    data = {"missing": missing, "unexpected": extra}
    if not missing and not extra:
        return GradeResult.ok(
            f"exactly the {plural(len(want), 'expected item')}, nothing extra",
            code="set_equals.match",
            data=data,
        )
    union = len(want) + len(extra)
    score = (len(want) - len(missing)) / union if union else 0.0
    if not got:
        return GradeResult.fail(
            f"the output lists no items; expected {len(want)}{note}",
            score,
            code="set_equals.empty",
            data=data,
        )
    return GradeResult.fail(
        f"expected {len(want)}, found {len(got)}: {_differences(missing, extra)}{note}",
        score,
        code="set_equals.differ",
        data=data,
    )


@register("f1", options=LIST_OPTIONS, default_threshold=0.8)
def f1(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The score is the F1 of the listed items against the expected ones."""
    want, got, missing, extra, note = _compare(output, options)
    hits = len(want) - len(missing)
    if not want and not got:
        return GradeResult.ok("no items expected and none listed")
    precision = hits / len(got) if got else 0.0
    recall = hits / len(want) if want else 0.0
    score = 2 * precision * recall / (precision + recall) if hits else 0.0
    threshold = float(options.get("threshold", 0.8))
    detail = f"needs {threshold:.2f}; found {hits} of {len(want)} expected, {len(extra)} unexpected"
    differences = _differences(missing, extra)
    reason = f"F1 {score:.2f} ({detail})" + (f": {differences}" if differences else "") + note
    passed = score >= threshold - 1e-9
    return GradeResult(
        passed=passed,
        score=min(1.0, score),
        reason=reason,
        code="f1.pass" if passed else "f1.differ",
        data={"missing": missing, "unexpected": extra, "f1": score},
    )


# --- label_in ---------------------------------------------------------------


def _label_form(text: str) -> str:
    text = normalize(text)
    return text[:-1].rstrip() if text.endswith(".") else text


@register("label_in", options={"labels": Opt("texts", required=True), "expected": Opt("text")})
def label_in(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The output is one label from a fixed set (and the expected one, if given)."""
    labels: list[str] = options["labels"]
    if not labels:
        raise BadOptions("`labels` is empty; give the allowed labels")
    forms = {_label_form(label): label for label in labels}
    expected = options.get("expected")
    if expected is not None and _label_form(expected) not in forms:
        raise BadOptions(f"expected {q(expected, 40)} is not one of the labels")
    got = _label_form(output)
    data = {"labels": labels, "expected": expected, "found": output.strip()[:200]}
    if got not in forms:
        if not got:
            return GradeResult.fail(
                f"the output is empty; expected one of: {', '.join(labels)}",
                code="label_in.empty",
                data=data,
            )
        return GradeResult.fail(
            f"got {q(output.strip())}, which is not one of: {', '.join(labels)}",
            code="label_in.not_a_label",
            data=data,
        )
    if expected is not None and got != _label_form(expected):
        return GradeResult.fail(
            f"got {q(forms[got])}; expected {q(expected)}", code="label_in.wrong", data=data
        )
    return GradeResult.ok(f"the label {q(forms[got])}", code="label_in.match", data=data)
