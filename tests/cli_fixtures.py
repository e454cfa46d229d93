"""Fixtures for tests of `flask content …`: a copy of content/ to change, and the CLI run through
Flask's test runner (`run("due", "--csv")` returns the output and checks the exit code)."""
import shutil
from pathlib import Path

import pytest

from server.cli import content as content_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def run(*args, code=0):
        result = runner.invoke(content_cli, [str(a) for a in args])
        assert result.exit_code == code, result.output
        return result.output
    return run
