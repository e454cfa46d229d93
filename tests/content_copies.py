"""Copies of content/ with a deliberate change, for tests that need the content to move."""
import re
import shutil
from pathlib import Path

from conftest import make_app

ROOT = Path(__file__).resolve().parent.parent


def changed_content(tmp_path):
    """A copy of content/ with one service renamed: (dir, service id, old name, new name)."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    model = make_app().extensions["content"]
    for service in model.services:
        old = service.name.en
        pattern = re.compile(r'(\ben:\s*"?)' + re.escape(old) + r'("?\s*$)', re.M)
        for path in sorted((target / "directory").glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            if pattern.search(text):
                new = old + " (renamed)"
                path.write_text(pattern.sub(lambda m: m.group(1) + new + m.group(2), text, count=1),
                                encoding="utf-8")
                return target, service.id, old, new
    raise AssertionError("no service name found in content/directory to change")
