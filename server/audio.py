"""`flask content audio add` and `remove`: a partner's recording, as it comes from a phone, made
into the one file every phone plays, with its entry in content/audio/recordings.yaml.

The format: AAC-LC, mono, 24 kbit/s, 22.05 kHz, in .m4a (faststart). Chrome on Android and Safari
on iOS 15+ both play it from a plain <audio>; Opus would be as small but iOS 15 plays it in
neither .webm nor .ogg. Loudness normalised to -16 LUFS (EBU R128, ffmpeg's loudnorm: a phone's
speaker, a noisy room), silence trimmed at both ends only (pauses inside are the speaker's).

Every refusal happens before anything is written; the entry is written only if content/ still
loads with it, else both files are put back. Debian's ffmpeg does the work; nothing is downloaded.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import yaml

from .clock import Clock
from .content import ContentError, load
from .content import recordings as rec
from .maintain import _model, dir_option
from .paths import CATEGORY_ICONS

MAX_BYTES = 50 * 1024 * 1024
MAX_SECONDS = 15 * 60
SILENT_DB = -50.0     # loudest moment below this: nothing was recorded
BITRATE = "24k"
RATE = 22050
TRIM = "silenceremove=start_periods=1:start_threshold=-50dB"
FILTERS = f"{TRIM},areverse,{TRIM},areverse,loudnorm=I=-16:TP=-1.5:LRA=11"

INDEX_HEADER = ("# Written by `flask content audio add` / `remove` (docs/recordings.md): edit with those.\n"
                "# text_sha256 is of the text each recording reads; when the text changes the page says\n"
                "# the recording is older than the text, and `flask content due` lists it.\n")


class Refused(Exception):
    """A recording that is not taken, with the reason said to the partner's maintainer."""


def need_ffmpeg():
    missing = [tool for tool in ("ffmpeg", "ffprobe") if not shutil.which(tool)]
    if missing:
        raise Refused(f"{' and '.join(missing)} not found: install Debian's ffmpeg package "
                      "(apt-get install ffmpeg) and run this again.")


def probe(path: Path) -> float:
    """The duration of the first audio stream in seconds; Refused when there is none."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                          "stream=codec_type:format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True)
    info = json.loads(out.stdout or "{}") if out.returncode == 0 else {}
    if not info.get("streams"):
        raise Refused(f"{path.name} is not a sound recording that ffmpeg can read")
    try:
        return float(info["format"]["duration"])
    except (KeyError, ValueError):
        raise Refused(f"{path.name}: ffmpeg cannot tell how long it is") from None


def loudest(path: Path) -> float:
    """The recording's peak level in dB (ffmpeg's volumedetect)."""
    out = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-vn", "-af", "volumedetect",
                          "-f", "null", "-"], capture_output=True, text=True)
    for line in out.stderr.splitlines():
        if "max_volume:" in line:
            value = line.split("max_volume:")[1].split()[0]
            return float("-inf") if value == "-inf" else float(value)
    return float("-inf")


def convert(source: Path, target: Path):
    out = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", str(source), "-vn",
                          "-af", FILTERS, "-ac", "1", "-ar", str(RATE), "-c:a", "aac", "-b:a", BITRATE,
                          "-movflags", "+faststart", str(target)], capture_output=True, text=True)
    if out.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        raise Refused(f"ffmpeg could not convert {source.name}: {out.stderr.strip()[-300:]}")


def check_source(source: Path) -> float:
    """Refuse what is not a usable recording; its duration otherwise."""
    need_ffmpeg()
    if not source.is_file():
        raise Refused(f"{source} is not a file")
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise Refused(f"{source.name} is {size / 1e6:.0f} MB: the largest taken is 50 MB")
    seconds = probe(source)
    if seconds > MAX_SECONDS:
        raise Refused(f"{source.name} is {seconds / 60:.1f} minutes long: the longest taken is 15 minutes "
                      "(record a long article by section, with --section)")
    if loudest(source) < SILENT_DB:
        raise Refused(f"{source.name} is silent: nothing was recorded")
    return seconds


def file_name(reads: str, lang: str, section: int | None) -> str:
    base = reads.replace(":", "-")
    return f"{base}{f'.s{section}' if section else ''}.{lang}.m4a"


def _entries(index: Path) -> list[dict]:
    if not index.is_file():
        return []
    return (yaml.safe_load(index.read_text(encoding="utf-8")) or {}).get("audio", [])


def _write(index: Path, entries: list[dict]):
    if not entries:
        index.unlink(missing_ok=True)
        return
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(INDEX_HEADER + yaml.safe_dump({"audio": entries}, allow_unicode=True, sort_keys=False),
                     encoding="utf-8")


def _reads(article, service, emergency) -> str:
    chosen = [x for x in (article and f"article:{article}", service and f"service:{service}",
                          emergency and "emergency") if x]
    if len(chosen) != 1:
        raise click.UsageError("say what it reads: one of --article SLUG, --service ID, --emergency")
    return chosen[0]


def _same(e: dict, reads, lang, section) -> bool:
    return (e["reads"], e.get("section"), e["lang"]) == (reads, section, lang)


def _loads_or_restore(directory, saved: dict[Path, bytes | None]):
    """content/ must load with the change; otherwise every file in `saved` is put back."""
    try:
        return load(directory, today=Clock.from_environment().today(), icons_dir=CATEGORY_ICONS)
    except ContentError as error:
        for path, data in saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        raise Refused("content/ would not load with it, so nothing was written:\n"
                      + "\n".join(str(p) for p in error.problems)) from None


def _snapshot(*paths: Path) -> dict[Path, bytes | None]:
    return {p: (p.read_bytes() if p.is_file() else None) for p in paths}


def selectors(f):
    for option in reversed([
            click.option("--article", help="an article's slug"),
            click.option("--service", help="a service's id (it reads the service's What it is: its description)"),
            click.option("--emergency", is_flag=True, help="the emergency list"),
            click.option("--lang", type=click.Choice(["km", "en"]), required=True),
            click.option("--section", type=click.IntRange(min=1), default=None,
                         help="the article's Nth section (its Nth ## heading); none: the whole article")]):
        f = option(f)
    return f


@click.group("audio", help="Recorded readings of the content (docs/recordings.md).")
def audio():
    pass


@audio.command("add")
@click.argument("file", type=click.Path(path_type=Path))
@selectors
@click.option("--speaker", required=True, help="the credit as the speaker wants it shown")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="the day it was recorded (default: today)")
@dir_option
def add(file, article, service, emergency, lang, section, speaker, on, directory):
    """Convert FILE (m4a, mp3, ogg/opus, wav, amr…) and add it as the recording of what it reads."""
    reads = _reads(article, service, emergency)
    try:
        model = _model(directory)
        text = rec.text_read(model, reads, lang, section)
        if text is None:
            raise Refused(f"{reads}{f' section {section}' if section else ''} is no text in the content")
        check_source(file)
        folder = Path(directory) / rec.FOLDER
        index = folder / rec.INDEX
        name = file_name(reads, lang, section)
        with tempfile.TemporaryDirectory() as tmp:
            converted = Path(tmp) / name
            convert(file, converted)
            seconds = probe(converted)
            size = converted.stat().st_size
            saved = _snapshot(index, folder / name)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(converted, folder / name)
        entries = [e for e in _entries(index) if not _same(e, reads, lang, section)]
        entry = {"file": name, "reads": reads, "lang": lang, "speaker": speaker,
                 "date": (on.date() if on else dt.date.today()).isoformat(),
                 "text_sha256": rec.text_hash(text), "seconds": round(seconds, 2), "bytes": size}
        if section:
            entry["section"] = section
        _write(index, entries + [entry])
        _loads_or_restore(directory, saved)
    except Refused as why:
        click.echo(f"Refused: {why}. Nothing was written.", err=True)
        sys.exit(1)
    click.echo(f"Added {rec.FOLDER}/{name}: {seconds:.1f} s, {size / 1024:.0f} KB "
               f"({size / 1024 / max(seconds / 60, 1 / 60):.0f} KB a minute). Check it with git diff, then commit.")


@audio.command("remove")
@selectors
@dir_option
def remove(article, service, emergency, lang, section, directory):
    """Remove the recording of what it reads, and its file."""
    reads = _reads(article, service, emergency)
    index = Path(directory) / rec.FOLDER / rec.INDEX
    entries = _entries(index)
    gone = [e for e in entries if _same(e, reads, lang, section)]
    if not gone:
        click.echo(f"No recording of {reads} in {lang}{f' section {section}' if section else ''}.", err=True)
        sys.exit(1)
    _write(index, [e for e in entries if e not in gone])
    for e in gone:
        (index.parent / e["file"]).unlink(missing_ok=True)
    click.echo(f"Removed {rec.FOLDER}/{gone[0]['file']}.")
