"""Installing Mitta: Chromium's own installability check, the Install button, iPhone steps and
the in-app browser hint, in a real Chromium against the real server."""
import json

import pytest

from conftest import CHROMIUM_FLAGS, chromium_path

pytestmark = pytest.mark.browser

HINT = "#offline-status .offline-hint"
INSTALL = "#offline-status button.offline-install"


def persistent_phone(playwright_instance, phone_profile, folder, args=()):
    """A normal (not incognito) Chrome profile, as on a phone: only there can an app install."""
    profile = {k: v for k, v in phone_profile.items() if k != "default_browser_type"}
    return playwright_instance.chromium.launch_persistent_context(
        str(folder), executable_path=chromium_path(), args=[*CHROMIUM_FLAGS, *args], headless=True, **profile)


@pytest.fixture
def installed_profile(playwright_instance, phone_profile, tmp_path):
    context = persistent_phone(playwright_instance, phone_profile, tmp_path / "profile")
    yield context
    context.close()


def assert_installable(context, page, base, locale):
    """Saved for offline use, and Chromium's own check finds nothing missing to install it."""
    page.wait_for_selector("#offline-status .offline-saved", timeout=60_000)
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    found = cdp.send("Page.getAppManifest")
    assert found["url"] == f"{base}/manifest-{locale}.webmanifest"
    assert found["errors"] == []
    return json.loads(found["data"])


@pytest.mark.parametrize("locale", ["km", "en"])
def test_chromium_finds_mitta_installable(installed_profile, live_server, locale):
    page = installed_profile.new_page()
    page.goto(f"{live_server.url}/{locale}/")
    manifest = assert_installable(installed_profile, page, live_server.url, locale)
    assert manifest["start_url"] == f"/{locale}/" and manifest["id"] == "/"
    assert {s["url"] for s in manifest["shortcuts"]} == {f"/{locale}/emergency/", f"/{locale}/search"}

    # Chromium offers the install: Mitta shows its own button, and the tap asks the browser.
    button = page.locator(INSTALL)
    button.wait_for(timeout=30_000)
    assert button.inner_text() == {"km": "ដំឡើងកម្មវិធីមិត្តលើទូរស័ព្ទនេះ", "en": "Install Mitta on this phone"}[locale]
    box = button.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    assert not page.query_selector(HINT)
    # The tap hands the offer to the browser's own dialog, once: the button goes. (Headless,
    # nobody answers the dialog, so Chromium soon offers again and the button comes back.)
    page.evaluate("""() => {
        const box = document.getElementById('offline-status');
        window.installGone = false;
        new MutationObserver(() => {
            if (!box.querySelector('.offline-install')) window.installGone = true;
        }).observe(box, {childList: true});
    }""")
    button.click()
    page.wait_for_function("() => window.installGone", timeout=5_000)


IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
ANDROID = "Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) "
IN_APP = {
    "facebook": ANDROID + "Chrome/126.0.0.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/470.0.0.41.103;]",
    "messenger": ANDROID + "Chrome/126.0.0.0 Mobile Safari/537.36 [FB_IAB/Orca-Android;FBAV/460.0.0.48.109;]",
    "telegram": ANDROID + "Chrome/126.0.0.0 Mobile Safari/537.36 Telegram-Android/11.2.3",
    "line": ANDROID + "Chrome/126.0.0.0 Mobile Safari/537.36 Line/14.10.0",
    "facebook-iphone": ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                        "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.39.107;]"),
}


def status_with(browser, phone_profile, url, user_agent):
    context = browser.new_context(**dict(phone_profile, user_agent=user_agent))
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#offline-status .offline-saved", timeout=60_000)
    hint = page.query_selector(HINT)
    text = hint.inner_text() if hint else None
    context.close()
    return text


def test_iphone_safari_shows_the_add_to_home_screen_steps(browser, phone_profile, live_server):
    text = status_with(browser, phone_profile, live_server.url + "/en/", IPHONE_SAFARI)
    assert text == "To keep Mitta on your iPhone: tap Share, then “Add to Home Screen”."
    km = status_with(browser, phone_profile, live_server.url + "/km/", IPHONE_SAFARI)
    assert km and "Add to Home Screen" in km and "iPhone" in km and km != text


@pytest.mark.parametrize("app", sorted(IN_APP))
def test_in_app_browsers_say_to_open_mitta_in_chrome(browser, phone_profile, live_server, app):
    text = status_with(browser, phone_profile, live_server.url + "/en/", IN_APP[app])
    assert text and text.startswith("To keep Mitta on your phone and use it without internet, open it in Chrome")


def test_chrome_itself_shows_no_hint(browser, phone_profile, live_server):
    assert status_with(browser, phone_profile, live_server.url + "/en/", phone_profile["user_agent"]) is None
