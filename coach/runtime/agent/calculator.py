"""A safe arithmetic calculator for the agent: parsed with `ast`, never `eval`.

Allowed: int and float literals, + - * / // % **, parentheses, unary + and -,
lists or tuples as arguments, and the functions round, min, max, sum, abs.
Anything else (names, attributes, other calls, strings, comprehensions) is
refused. Input is at most `MAX_LENGTH` characters, exponents at most
`MAX_EXPONENT` in size, and every intermediate value at most `MAX_MAGNITUDE`.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

MAX_LENGTH = 500
MAX_NODES = 200
MAX_EXPONENT = 100
MAX_MAGNITUDE = 1e100


class CalculatorError(ValueError):
    """The expression is refused or cannot be computed; the message says why."""


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "round": round,
    "min": min,
    "max": max,
    "sum": sum,
    "abs": abs,
}


def _check(value: Any) -> Any:
    if isinstance(value, list):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculatorError("the result is not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise CalculatorError("a value is too large (more than 1e100)")
    return value


def _eval(node: ast.AST) -> Any:
    if isinstance(node, ast.Expression):
        return _eval(node.body)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise CalculatorError(f"only numbers are allowed, not {node.value!r}")
        return _check(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _number(_eval(node.operand))
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _number(_eval(node.left)), _number(_eval(node.right))
        if isinstance(node.op, ast.Pow) and (
            abs(right) > MAX_EXPONENT
            or (abs(left) > 1 and abs(right) * math.log10(abs(left)) > 100)
        ):
            raise CalculatorError(f"the exponent is too large (at most {MAX_EXPONENT})")
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise CalculatorError("division by zero") from None
        except (OverflowError, ValueError) as error:
            raise CalculatorError(f"cannot compute: {error}") from None
        if isinstance(result, complex):
            raise CalculatorError("the result is not a real number")
        return _check(result)
    if isinstance(node, ast.List | ast.Tuple):
        return [_number(_eval(item)) for item in node.elts]
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            allowed = ", ".join(_FUNCTIONS)
            raise CalculatorError(f"only these functions are allowed: {allowed}")
        if node.keywords:
            raise CalculatorError("keyword arguments are not allowed")
        args = [_eval(arg) for arg in node.args]
        try:
            return _check(_FUNCTIONS[node.func.id](*args))
        except (TypeError, ValueError) as error:
            raise CalculatorError(f"{node.func.id}: {error}") from None
    if isinstance(node, ast.Name):
        raise CalculatorError(f"names are not allowed: {node.id}")
    if isinstance(node, ast.Attribute):
        raise CalculatorError("attributes are not allowed")
    raise CalculatorError(f"not allowed in a calculation: {type(node).__name__}")


def _number(value: Any) -> int | float:
    if isinstance(value, list):
        raise CalculatorError("a list can only be an argument of sum, min or max")
    return value


def format_number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"


def calculate(expression: object) -> str:
    """The value of `expression` as text, or CalculatorError saying what is wrong."""
    if not isinstance(expression, str):
        raise CalculatorError("the expression must be text")
    if len(expression) > MAX_LENGTH:
        raise CalculatorError(f"the expression is longer than {MAX_LENGTH} characters")
    if not expression.strip():
        raise CalculatorError("the expression is empty")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError):
        raise CalculatorError("this is not an arithmetic expression") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise CalculatorError("the expression is too long")
    try:
        value = _eval(tree)
    except RecursionError:
        raise CalculatorError("the expression is nested too deeply") from None
    if isinstance(value, list):
        raise CalculatorError("the result is a list, not a number")
    return format_number(value)
