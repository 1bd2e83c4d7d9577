"""docs/cli.md, generated from the Typer app itself, so the reference cannot drift from the
commands (tests/cli/test_docs.py fails when it does).

    python -m orderhub.cli.docs [docs/cli.md]     (or: make docs)

Everything below the KEEP marker in the file is hand-written (the import/export formats) and
is kept as it is on every run.

Typer's command objects are walked by duck typing (`list_commands`, `param_type_name`):
recent Typer versions carry their own copy of Click, older ones use Click itself.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

from orderhub.cli import app

KEEP = "<!-- Hand-written from here on: `python -m orderhub.cli.docs` keeps it as it is. -->"
DEFAULT_PATH = Path("docs/cli.md")

HEADER = """# The `orderhub` command

Generated from the commands themselves by `python -m orderhub.cli.docs` (`make docs`); do not
edit above the hand-written part at the end.

Every command that opens the database finds it the same way from any directory:
`ORDERHUB_DATABASE_URL`, else `ORDERHUB_DATA_DIR/orderhub.db` (default `./data/orderhub.db`,
relative to the working directory; both also read from a `.env` file there). A missing SQLite
file is refused with the absolute path looked for (only `db upgrade` and `quickstart` create
one), and commands refuse an unmigrated or newer-than-code database, naming it.
"""


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def _is_argument(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "argument"


def _context(command: Any, parent: Any, name: str) -> Any:
    return command.context_class(command, parent=parent, info_name=name)


def _usage(path: str, command: Any) -> str:
    parts = [path]
    for param in command.params:
        if _is_argument(param):
            name = param.name.upper() if param.name else "ARG"
            name += "..." if param.nargs == -1 else ""
            parts.append(name if param.required else f"[{name}]")
    if any(not _is_argument(p) for p in command.params):
        parts.append("[OPTIONS]")
    return " ".join(parts)


def _default(param: Any) -> str:
    if isinstance(param.show_default, str):
        return param.show_default
    if param.is_flag:
        return "off" if not param.default else "on"
    if param.default in (None, ""):
        return ""
    return f"`{param.default}`"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _command(path: str, command: Any) -> Iterator[str]:
    yield f"### `{path}`\n"
    yield f"```\n{_usage(path, command)}\n```\n"
    yield inspect.cleandoc(command.help or "") + "\n"
    rows = []
    for param in command.params:
        help_text = _cell(getattr(param, "help", ""))
        if _is_argument(param):
            rows.append(f"| `{(param.name or '').upper()}` | | {help_text} |")
        elif not param.hidden:
            names = ", ".join(f"`{o}`" for o in param.opts)
            rows.append(f"| {names} | {_cell(_default(param))} | {help_text} |")
    if rows:
        yield "| argument / option | default | meaning |\n|---|---|---|\n" + "\n".join(rows) + "\n"


def _walk(path: str, command: Any, ctx: Any) -> Iterator[str]:
    if _is_group(command):
        if ctx.parent is not None:
            yield f"## `{path}`: {inspect.cleandoc(command.help or '')}\n"
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from _walk(f"{path} {name}", sub, _context(sub, ctx, name))
    else:
        yield from _command(path, command)


def commands() -> list[tuple[str, Any]]:
    """Every leaf command with its full path (for tests)."""
    found: list[tuple[str, Any]] = []

    def visit(path: str, command: Any, ctx: Any) -> None:
        if _is_group(command):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    visit(f"{path} {name}", sub, _context(sub, ctx, name))
        else:
            found.append((path, command))

    root = typer.main.get_command(app)
    visit("orderhub", root, _context(root, None, "orderhub"))
    return found


def render() -> str:
    """The generated part of docs/cli.md."""
    root = typer.main.get_command(app)
    body = "\n".join(_walk("orderhub", root, _context(root, None, "orderhub")))
    return HEADER + "\n" + body.rstrip() + "\n\n"


def hand_written(text: str) -> str:
    _, marker, kept = text.partition(KEEP)
    return marker + kept if marker else KEEP + "\n"


def write(path: Path = DEFAULT_PATH) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(render() + hand_written(existing), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH)
