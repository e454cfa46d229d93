#!/usr/bin/env python3
"""A bigger directory for `make bench`: a copy of content/ with (FACTOR - 1) more copies of every
organisation, each copy's services placed in one province, round-robin over all 25, so the
directory has FACTOR times today's services spread over the whole country.

Deterministic: the same FACTOR gives the same files (new ids are UUID5 of the old id and the copy
number). Valid for the loader: `python scripts/synthetic.py 10 /tmp/content-10x` then
`MITTA_CONTENT_DIR=/tmp/content-10x make check`.
"""
import re
import shutil
import sys
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NAMESPACE = uuid.UUID("6d3c0b6e-2f1a-4c39-9d87-1f0e5a7b2c44")


def make(factor: int, target: Path, source: Path = ROOT / "content") -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    provinces = [p["slug"] for p in yaml.safe_load((source / "provinces.yaml").read_text(encoding="utf-8"))["provinces"]]
    originals = sorted((source / "directory").glob("*.yaml"))
    turn = 0
    for copy in range(1, factor):
        for path in originals:
            province = provinces[turn % len(provinces)]
            turn += 1
            text = UUID.sub(lambda m: str(uuid.uuid5(NAMESPACE, f"{copy}:{m.group(0)}")), path.read_text(encoding="utf-8"))
            text = re.sub(r"^(\s*)area: .*$", rf"\1area: [{province}]", text, flags=re.M)
            text = re.sub(r"^(\s*)province: .*$", rf"\1province: {province}", text, flags=re.M)
            text = re.sub(r"^(\s*)scope: national$", r"\1scope: provincial", text, flags=re.M)
            text = re.sub(r"^\s*emergency_rank: .*\n", "", text, flags=re.M)
            (target / "directory" / f"{path.stem}-copy-{copy}.yaml").write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/synthetic.py FACTOR TARGET_DIR")
    print(make(int(sys.argv[1]), Path(sys.argv[2])))
