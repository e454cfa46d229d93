"""The core is plain Python: every module whose docstring says it uses no Flask imports without
Flask, each in a fresh interpreter (an import anywhere in its chain would load Flask, and only a
new process shows that), and the maintainers' commands load no web module of the reports."""
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# "no Flask", "knowing nothing of Flask", "without Flask": the claim, in the module's own words.
CLAIM = re.compile(r"\b(no|nothing of|without) Flask\b", re.I)


def claimed():
    found = []
    for path in sorted((ROOT / "server").rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if CLAIM.search(doc):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def loaded_after_import(module):
    """The modules a fresh interpreter has loaded once `module` is imported."""
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_the_core_modules_claim_it():
    assert {"server.content.model", "server.pack", "server.protocol", "server.hsds"} <= set(claimed())


@pytest.mark.parametrize("module", claimed())
def test_a_module_that_says_no_flask_imports_without_flask(module):
    loaded = loaded_after_import(module)
    assert module in loaded
    assert "flask" not in loaded, f"import {module} loads Flask"


def test_the_maintainers_commands_do_not_load_the_reports_web_module():
    loaded = loaded_after_import("server.maintain")
    assert "server.report_store" in loaded   # the call sheet reads the reports' storage
    assert "server.reports" not in loaded
