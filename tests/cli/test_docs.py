"""docs/cli.md is generated from the Typer app and must not drift from it; every command's
help carries an example of itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.cli import docs as cli_docs

CLI_MD = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_md_matches_the_commands() -> None:
    text = CLI_MD.read_text(encoding="utf-8")
    generated, marker, _ = text.partition(cli_docs.KEEP)
    assert marker, "docs/cli.md lost its hand-written marker"
    assert generated == cli_docs.render(), (
        "docs/cli.md is out of date: run `make docs` (python -m orderhub.cli.docs)"
    )


def test_the_generator_keeps_the_hand_written_formats(tmp_path: Path) -> None:
    copy = tmp_path / "cli.md"
    kept = CLI_MD.read_text(encoding="utf-8").partition(cli_docs.KEEP)[2]
    copy.write_text("stale generated text\n" + cli_docs.KEEP + kept, encoding="utf-8")
    cli_docs.write(copy)
    written = copy.read_text(encoding="utf-8")
    assert written == CLI_MD.read_text(encoding="utf-8")
    hand = written.partition(cli_docs.KEEP)[2]
    assert "### Import" in hand and "### Export" in hand and "item_quantity" in hand


@pytest.mark.parametrize("path", [path for path, _ in cli_docs.commands()])
def test_every_command_has_an_example_of_itself(path: str) -> None:
    command = dict(cli_docs.commands())[path]
    examples = [line.strip() for line in (command.help or "").splitlines() if "Example:" in line]
    assert examples, f"`{path} --help` has no Example: line"
    assert any(path in line for line in examples), examples
    out = CliRunner().invoke(app, [*path.split()[1:], "--help"], env={"COLUMNS": "200"}).output
    assert "Example:" in out and path in out
