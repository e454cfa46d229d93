"""Listen and chat, without a browser: `flask content audio add`/`remove` with audio ffmpeg makes
here (a tone, silence, a text file; never a recording of anyone), the out-of-date mark, the
channel rules, and what the pages carry (tests/browser/test_listen_phone.py plays it)."""
import gzip
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, make_app
from server import audio as audio_cli
from server import offline
from server.cli import content as content_cli
from server.content import load, rules
from server.content import recordings as rec

SERVICE = "0a8835eb-941d-4770-8f00-8e91e74bd51c"   # Child Helpline 1280
CHAT = "fa7f66a9-2aa7-4d2e-89d2-6110056cef68"       # Write to Child Helpline


def tone(path: Path, seconds=6, source="sine=frequency=440"):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"{source}:duration={seconds}",
                    "-ac", "1", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def sounds(tmp_path_factory):
    d = tmp_path_factory.mktemp("sounds")
    silent = d / "silent.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "5",
                    str(silent)], check=True)
    text = d / "notes.m4a"
    text.write_text("not a recording\n")
    return {"tone": tone(d / "tone.wav"), "silent": silent, "text": text, "dir": d}


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def run(*args):
    return CliRunner().invoke(content_cli, ["audio", *map(str, args)])


def test_add_converts_writes_the_entry_and_remove_undoes(sounds, content_copy):
    result = run("add", sounds["tone"], "--article", "condoms", "--lang", "km", "--speaker", "A test",
                 "--date", "2026-12-01", "--dir", content_copy)
    assert result.exit_code == 0, result.output
    assert re.search(r"Added audio/article-condoms\.km\.m4a: 6\.\d s, \d+ KB", result.output)
    model = load(content_copy)
    r = model.recording("article:condoms", "km")
    assert r.current and r.speaker == "A test" and abs(r.seconds - 6) < 0.3
    clip = content_copy / "audio" / r.file
    assert clip.stat().st_size == r.bytes < 6 * 4000   # 24 kbit/s
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate",
                            "-of", "csv=p=0", str(clip)], capture_output=True, text=True).stdout.strip()
    assert probe == "aac,22050,1"
    assert run("remove", "--article", "condoms", "--lang", "km", "--dir", content_copy).exit_code == 0
    assert not clip.exists() and not (content_copy / "audio" / rec.INDEX).exists()
    assert load(content_copy).recordings == ()


@pytest.mark.parametrize("case, why", [
    ("text", "is not a sound recording"),
    ("silent", "is silent"),
    ("long", "minutes long: the longest taken is 15 minutes"),
    ("big", "MB: the largest taken is 50 MB"),
    ("no-text", "is no text in the content"),
])
def test_refusals_write_nothing(sounds, content_copy, monkeypatch, case, why):
    source = sounds["tone"]
    if case in ("text", "silent"):
        source = sounds[case]
    if case == "long":
        monkeypatch.setattr(audio_cli, "MAX_SECONDS", 5)
    if case == "big":
        monkeypatch.setattr(audio_cli, "MAX_BYTES", 1000)
    target = ["--article", "no-such-article"] if case == "no-text" else ["--service", SERVICE]
    before = sorted(p.relative_to(content_copy) for p in content_copy.rglob("*"))
    result = run("add", source, *target, "--lang", "km", "--speaker", "A test", "--dir", content_copy)
    assert result.exit_code == 1
    assert why in result.output and "Nothing was written." in result.output
    assert sorted(p.relative_to(content_copy) for p in content_copy.rglob("*")) == before


def test_missing_ffmpeg_is_said_plainly(monkeypatch):
    monkeypatch.setattr(audio_cli.shutil, "which", lambda tool: None)
    with pytest.raises(audio_cli.Refused, match="ffmpeg and ffprobe not found: install Debian's ffmpeg"):
        audio_cli.need_ffmpeg()


def test_a_changed_text_marks_the_recording_older_and_due_lists_it(sounds, content_copy):
    assert run("add", sounds["tone"], "--service", SERVICE, "--lang", "en", "--speaker", "A test",
               "--dir", content_copy).exit_code == 0
    org = content_copy / "directory" / "child-helpline-cambodia.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("need help. Free.", "need help. It is free."),
                   encoding="utf-8")
    r = load(content_copy).recording(f"service:{SERVICE}", "en")
    assert not r.current
    due = CliRunner().invoke(content_cli, ["due", "--dir", str(content_copy), "--today", "2026-12-01"])
    assert f"audio/{r.file}: service:{SERVICE} in en, read by A test" in due.output
    app = make_app({"CONTENT_DIR": str(content_copy)})
    page = app.test_client().get(f"/en/service/{SERVICE}/").get_data(as_text=True)
    assert "This recording is older than the text." in page
    assert 'preload="none"' in page and "autoplay" not in page


def test_a_section_is_the_text_under_its_heading():
    model = make_app().extensions["content"]
    article = model.articles[0]
    whole = rec.text_read(model, f"article:{article.slug}", "km")
    first = rec.text_read(model, f"article:{article.slug}", "km", 1)
    assert first and first in whole and len(first) < len(whole)
    assert rec.text_read(model, f"article:{article.slug}", "km", 99) is None


@pytest.mark.parametrize("kind, address, ok", [
    ("telegram", "t.me/chc1280", True), ("telegram", "t.me/ab", False), ("telegram", "t.me/_bad_", False),
    ("telegram", "https://t.me/chc1280", False),
    ("messenger", "m.me/chc1280", True), ("messenger", "m.me/a b", False), ("messenger", "m.me/abc", False),
    ("whatsapp", "wa.me/85512345678", True), ("whatsapp", "wa.me/+85512345678", False),
    ("whatsapp", "wa.me/012345678", False),
    ("sms", "1280", True), ("sms", "012 345 678", True), ("sms", "call us", False),
    ("signal", "signal.me/x", False),
])
def test_channel_rules(kind, address, ok):
    assert (rules.channel_problem(kind, address) is None) is ok


def test_a_bad_channel_names_file_line_and_reason(content_copy):
    org = content_copy / "directory" / "child-helpline-cambodia.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("address: t.me/chc1280", "address: t.me/x"), encoding="utf-8")
    with pytest.raises(Exception) as error:
        load(content_copy)
    assert re.search(r"child-helpline-cambodia\.yaml:\d+: services\[1\]\.channels\[1\]\.address: 't\.me/x' is not a "
                     r"telegram address", str(error.value))


def test_chats_are_links_with_a_notice_and_stay_small(client):
    home = client.get("/km/").get_data(as_text=True)
    assert 'id="chat-notice"' in home and 'href="https://t.me/chc1280" data-chat' in home
    assert 'href="https://m.me/chc1280" data-chat' in home and 'href="sms:1280" data-chat' in home
    for path in ("/en/", "/en/emergency/"):
        assert "Talk to someone by chat" in client.get(path).get_data(as_text=True)
    # What the chat adds to the home page, gzip: the list and the notice (< 1 KB, issue 20).
    section = re.search(r'<section class="chat-list".*?</section>', home, re.S).group(0)
    notice = re.search(r'<dialog class="call-notice" id="chat-notice".*?</dialog>', home, re.S).group(0)
    assert len(gzip.compress((section + notice).encode(), 9)) < 1024


def test_the_listen_bar_is_small_and_has_no_voice_button_without_javascript(client):
    page = client.get("/km/guide/condoms/").get_data(as_text=True)
    bar = re.search(r'<div class="listen".*?\n</div>', page, re.S).group(0)
    assert "data-voice hidden" in bar and "<audio" not in bar   # no recording ships (README)
    assert len(gzip.compress(bar.encode(), 9)) < 1024


def test_a_clip_nobody_recorded_is_not_found_and_the_worker_part_is_served(client):
    assert client.get("/audio/00000000/none.m4a").status_code == 404
    with client.application.app_context():
        urls = offline.pack().module_urls()
    url = next(u for u, name in urls.items() if name == "recordings.js")
    part = client.get(url)
    assert part.status_code == 200 and part.mimetype == "text/javascript"
    assert "mitta-recordings-" in part.get_data(as_text=True)
