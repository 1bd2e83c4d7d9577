"""Jinja2's immutable sandbox, bounded: what a store's template may reach, how long it may run
and how much it may write.

The sandbox (jinja2.sandbox) refuses private attributes (`''.__class__`) and mutation; on top,
a template is checked when saved for names starting with `_` (so the refusal is clear, not a
silently empty value), and every render carries a budget (domain/limits.py): steps —
each value a `for` loop takes (every loop's iterable is wrapped when compiled), each `range`
value, each call of a function, macro or filter, each output chunk — and a deadline,
checked at every step; `*`, `**` and `%` on values that would build something
huge, and any whole-number argument over the output limit, are refused before they run.
Whatever a template does, a render ends with its output or a `TemplateProblem`.
"""

from __future__ import annotations

import functools
import operator
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from orderhub.domain import limits
from orderhub.domain.errors import InvalidInput


class TemplateProblem(InvalidInput):
    """A template that cannot be saved or rendered; `line` (1-based) when one is to blame."""

    def __init__(self, message: str, *, part: str = "body", line: int | None = None) -> None:
        where = f" (line {line})" if line else ""
        super().__init__(f"{part}{where}: {message}")
        self.part = part
        self.line = line
        self.reason = message


class _OverBudget(Exception):
    pass


# A printf or str.format width/precision of seven digits or more (`%0999999999d`, `{:>9999999}`).
_WIDE_FORMAT = re.compile(r"%[-+ #0]*[0-9]{7,}|%[-+ #0]*[0-9]*\.[0-9]{7,}|\{[^{}]*:[^{}]*[0-9]{7,}")


@dataclass
class _Budget:
    steps: int
    deadline: float
    chars: int

    def charge(self, steps: int = 1) -> None:
        self.steps -= steps
        if self.steps < 0:
            raise _OverBudget(f"more than {limits.MAX_TEMPLATE_STEPS:,} loop steps or calls")
        if time.monotonic() > self.deadline:
            raise _OverBudget(f"took longer than {limits.MAX_TEMPLATE_SECONDS:g} s")


_budget: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _charge(steps: int = 1) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.charge(steps)


# Filters and string methods whose whole-number arguments are widths or counts of what
# they build (`"x"|center(10**9)`, `"x".zfill(10**9)`).
_SIZED = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "truncate", "wordwrap",
     "batch", "slice"}
)  # fmt: skip


def _check_size(value: Any, *, sized: bool = True) -> None:
    """Refuse a width above the output limit (`sized`: a whole number is one) and a format
    string with a huge width."""
    if sized and isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > limits.MAX_TEMPLATE_OUTPUT_CHARS:
            raise _OverBudget(f"the number {value} is larger than a template may use")
    elif isinstance(value, str) and _WIDE_FORMAT.search(value):
        raise _OverBudget("a format width that large is not allowed")


def _counted(values: Any) -> Iterator[Any]:
    """A loop's values, each a step: nested loops over an order's lists cannot multiply
    past the budget (the name starts with `_`, so no template can shadow it)."""
    for value in values:
        _charge()
        yield value


_GUARD = "_loop_values"


class _CountedRange:
    """`range` for templates: at most the step budget long, and every value taken is a step."""

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > limits.MAX_TEMPLATE_STEPS:
            raise _OverBudget(f"range longer than {limits.MAX_TEMPLATE_STEPS:,}")

    def __len__(self) -> int:
        return len(self._range)

    def __iter__(self) -> Iterator[int]:
        for value in self._range:
            _charge()
            yield value


def _bounded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that charges a step and refuses a huge width."""

    # The filtered value comes after the context/environment a `pass_*` filter is given;
    # only the arguments after it can be widths (a big total is fine to format).
    first = 2 if getattr(function, "jinja_pass_arg", None) is not None else 1
    sized = name in _SIZED

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _charge()
        for value in (*args[first:], *kwargs.values()):
            _check_size(value, sized=sized)
        if len(args) >= first and isinstance(args[first - 1], str):  # `"%09999999d"|format(1)`
            _check_size(args[first - 1])
        return function(*args, **kwargs)

    return wrapper


def _result_size(left: Any, right: Any) -> int:
    sizes = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple, Markup))]
    counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
    return sizes[0] * counts[0] if sizes and counts else 0


class BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _CountedRange
        self.globals[_GUARD] = _counted
        self.filters = {name: _bounded(name, f) for name, f in self.filters.items()}

    def add_filters(self, **added: Callable[..., Any]) -> None:
        self.filters.update({name: _bounded(name, f) for name, f in added.items()})

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        _charge()
        if op == "*" and _result_size(left, right) > limits.MAX_TEMPLATE_OUTPUT_CHARS:
            raise _OverBudget("that repetition would be larger than a template may write")
        if op == "**" and isinstance(right, (int, float)) and (abs(right) > 64):
            raise _OverBudget("exponents above 64 are not allowed")
        if op == "%" and isinstance(left, str):
            _check_size(left)
        return {"*": operator.mul, "**": operator.pow, "%": operator.mod}[op](left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute in ("format", "format_map") and isinstance(obj, str):
            _check_size(obj)  # `"{:>999999999}".format(1)`
        return super().getattr(obj, attribute)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _charge()
        sized = getattr(__obj, "__name__", "") in _SIZED
        for value in (*args, *kwargs.values()):
            _check_size(value, sized=sized)
        return super().call(__context, __obj, *args, **kwargs)


def private_names(source: nodes.Template) -> list[tuple[str, int]]:
    """Attributes and items starting with `_` the template reaches for, with their lines."""
    found = []
    for node in source.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = str(node.arg.value)
        elif isinstance(node, nodes.Name):
            name = node.name
        else:
            continue
        if name.startswith("_"):
            found.append((name, node.lineno))
    return found


def compile_checked(env: BoundedSandbox, source: str, part: str) -> Any:
    """Compile a template's part, or say what is wrong and on which line."""
    if len(source) > limits.MAX_TEMPLATE_SOURCE_CHARS:
        raise TemplateProblem(
            f"longer than {limits.MAX_TEMPLATE_SOURCE_CHARS:,} characters", part=part
        )
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(exc.message or "syntax error", part=part, line=exc.lineno) from None
    lines = source.splitlines()
    found = sorted(
        private_names(tree),
        key=lambda hit: (hit[1], lines[hit[1] - 1].find(hit[0]) if hit[1] <= len(lines) else 0),
    )
    for name, line in found[:1]:
        raise TemplateProblem(
            f"{name!r} is not allowed: templates cannot reach names starting with '_'",
            part=part, line=line,
        )  # fmt: skip
    for loop in tree.find_all(nodes.For):  # every loop's values are counted steps
        loop.iter = nodes.Call(nodes.Name(_GUARD, "load"), [loop.iter], [], None, None)
        loop.iter.set_lineno(loop.lineno)
    try:
        code = env.compile(tree)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(exc.message or "syntax error", part=part, line=exc.lineno) from None
    return env.template_class.from_code(env, code, env.make_globals(None))


def _line_of(exc: BaseException) -> int | None:
    """The template line a render failed on, from the traceback's template frames."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_bounded(template: Any, variables: Mapping[str, Any], part: str) -> str:
    """Render within the budget; any failure becomes a `TemplateProblem`."""
    budget = _Budget(
        limits.MAX_TEMPLATE_STEPS,
        time.monotonic() + limits.MAX_TEMPLATE_SECONDS,
        limits.MAX_TEMPLATE_OUTPUT_CHARS,
    )
    token = _budget.set(budget)
    chunks: list[str] = []
    try:
        for chunk in template.generate(variables):
            budget.charge()
            budget.chars -= len(chunk)
            if budget.chars < 0:
                raise _OverBudget(
                    f"output longer than {limits.MAX_TEMPLATE_OUTPUT_CHARS:,} characters"
                )
            chunks.append(chunk)
    except _OverBudget as exc:
        raise TemplateProblem(f"refused: {exc}", part=part, line=_line_of(exc)) from None
    except SecurityError as exc:
        raise TemplateProblem(f"not allowed: {exc}", part=part, line=_line_of(exc)) from None
    except TemplateError as exc:
        raise TemplateProblem(str(exc), part=part, line=_line_of(exc)) from None
    except RecursionError:
        raise TemplateProblem("refused: calls nested too deeply", part=part) from None
    except (MemoryError, OverflowError) as exc:
        raise TemplateProblem(f"refused: {type(exc).__name__}", part=part) from None
    except Exception as exc:  # a template's own mistake (1/0, a bad filter argument, ...)
        message = f"{type(exc).__name__}: {exc}"[:300]
        raise TemplateProblem(message, part=part, line=_line_of(exc)) from None
    finally:
        _budget.reset(token)
    return "".join(chunks)
