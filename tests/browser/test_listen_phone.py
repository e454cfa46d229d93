"""Listen and chat on a real phone (Chromium), as one visit: a clip made here (a tone, never a
voice) and added with `flask content audio add` plays, is saved with its size shown, plays with
the server gone, and stops on quick exit; the phone's own voice (a stubbed speechSynthesis) reads
a Khmer page in pieces with a Khmer voice only; chat links open after their notice; axe-clean."""
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from a11y import violations
from conftest import ROOT, LiveServer, airplane_mode
from server.cli import content as content_cli
from server.content import load

pytestmark = pytest.mark.browser

SECONDS = 8
SAVED = "#offline-status .offline-saved"
# A speechSynthesis (and utterance) the test controls: its voices, and every piece spoken (text, lang, voice).
VOICES = """(langs) => {
  const spoken = window.__spoken = []; window.__cancelled = 0;
  const voices = langs.map((lang) => ({lang, name: 'test ' + lang, voiceURI: lang, localService: true, default: false}));
  let timer = null;
  const synth = {
    speaking: false, paused: false, pending: false,
    getVoices: () => voices,
    addEventListener() {}, removeEventListener() {},
    speak(u) { spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang}); synth.speaking = true;
               timer = setTimeout(() => { synth.speaking = false; u.onend && u.onend(); }, 400); },
    cancel() { window.__cancelled += 1; clearTimeout(timer); synth.speaking = false; },
    pause() { synth.paused = true; }, resume() { synth.paused = false; },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  // The real utterance takes only the browser's own voices.
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; this.voice = null; };
}"""


def stub_voices(context, langs):
    context.add_init_script(f"({VOICES})({langs!r})")


@pytest.fixture(scope="module")
def with_clip(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("listen")
    target = tmp / "content"
    shutil.copytree(ROOT / "content", target)
    clip = tmp / "tone.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency=330:duration={SECONDS}",
                    "-ac", "1", str(clip)], check=True)
    added = CliRunner().invoke(content_cli, ["audio", "add", str(clip), "--article", "condoms", "--lang", "km",
                                             "--speaker", "A test", "--dir", str(target)])
    assert added.exit_code == 0, added.output
    return target, load(target).recording("article:condoms", "km")


def test_a_recording_plays_saves_plays_offline_and_stops_on_quick_exit(browser, phone_profile, with_clip, tmp_path, artifacts):
    content, recording = with_clip
    server = LiveServer(tmp_path, env={"MITTA_CONTENT_DIR": str(content)}).start()
    context = browser.new_context(**phone_profile)
    stub_voices(context, ["km-KH", "en-US"])
    page = context.new_page()
    try:
        url = f"{server.url}/km/guide/condoms/"
        page.goto(url)
        page.wait_for_selector(SAVED, timeout=60_000)
        assert not page.locator(".listen audio").get_attribute("autoplay")
        # Played: the big button, the time, the duration within 5% of the clip's.
        play = page.locator(".listen-play")
        play.click()
        page.wait_for_function("() => document.querySelector('.listen audio').currentTime > 0.3")
        duration = page.evaluate("document.querySelector('.listen audio').duration")
        assert abs(duration - SECONDS) <= SECONDS * 0.05
        assert "/ 0:08" in play.inner_text()
        # Quick exit silences it at once (begin(): the screen blanks before the next page loads).
        page.evaluate("window.MittaQuickExit.begin()")
        assert page.evaluate("document.querySelector('.listen audio').paused")
        # Offline before it is saved: the page says the recording is not on this phone.
        page.reload()
        airplane_mode(context)
        page.locator(".listen-play").click()
        page.wait_for_selector("[data-clip-missing]", state="visible")
        airplane_mode(context, False)
        # Saved for offline use, its size said.
        page.reload()
        save = page.locator("[data-save-clips]")
        assert f"({round(recording.bytes / 1024)} KB)" in save.inner_text()
        save.click()
        page.wait_for_selector("[data-save-clips][hidden]", state="attached")
        # The phone's voice: Khmer pieces, each with the Khmer voice, in order; quick exit cancels.
        page.locator("[data-voice-play]").click()
        page.wait_for_function("() => window.__spoken.length >= 2")
        spoken = page.evaluate("window.__spoken")
        assert {s["lang"] for s in spoken} == {"km-KH"} and {s["voice"] for s in spoken} == {"km-KH"}
        assert all(len(s["text"]) <= 200 for s in spoken)
        assert spoken[0]["text"] in page.locator(".guide-title").inner_text()
        cancelled = page.evaluate("window.__cancelled")
        page.evaluate("window.MittaQuickExit.begin()")
        assert page.evaluate("window.__cancelled") > cancelled
        # Chat: the link opens its app's address after the notice (the address is answered here:
        # no request leaves this machine).
        opened = []
        context.route("https://t.me/**", lambda route: (opened.append(route.request.url),
                                                         route.fulfill(body="telegram", content_type="text/plain")))
        page.goto(f"{server.url}/km/")
        page.locator('a[data-chat][href="https://t.me/chc1280"]').first.click()
        notice = page.locator("#chat-notice")
        assert notice.is_visible()
        notice.locator("[data-call-confirm]").click()
        page.wait_for_url("https://t.me/chc1280")
        assert opened == ["https://t.me/chc1280"]
        # The server is gone: the saved clip still plays.
        server.stop()
        airplane_mode(context)
        page.goto(url)
        page.locator(".listen-play").click()
        page.wait_for_function("() => document.querySelector('.listen audio').currentTime > 0.3")
        assert page.locator("[data-clip-missing]").is_hidden()
        page.screenshot(path=str(artifacts / "listen-km.png"), full_page=True)
    finally:
        context.close()
        server.stop()


def test_no_voice_for_the_language_no_button_and_axe_clean(browser, phone_profile, with_clip, tmp_path):
    content, _ = with_clip
    server = LiveServer(tmp_path, env={"MITTA_CONTENT_DIR": str(content)}).start()
    context = browser.new_context(**phone_profile)
    stub_voices(context, ["en-US", "th-TH"])   # no Khmer voice: never Khmer read by another one
    page = context.new_page()
    try:
        page.goto(f"{server.url}/km/guide/condoms/")
        page.wait_for_load_state("load")
        assert page.locator("[data-voice]").is_hidden()
        page.goto(f"{server.url}/en/guide/condoms/")
        page.wait_for_selector("[data-voice-play]", state="visible")
        found = violations(page, [f"{server.url}/km/guide/condoms/", f"{server.url}/km/",
                                  f"{server.url}/en/emergency/"])
        assert not found
    finally:
        context.close()
        server.stop()
