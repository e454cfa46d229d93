"""The foundation as a person on a small phone sees it, in a real Chromium."""
import json

import pytest

from a11y import violations
from phone import assert_readable_at_320_px

pytestmark = pytest.mark.browser

PAGES = ["/", "/about/", "/privacy/", "/no-such-page/"]


def platform_fonts(page, selector):
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_khmer_is_drawn_with_our_font(phone, live_server, artifacts):
    phone.goto(live_server.url + "/km/")
    phone.evaluate("document.fonts.ready")
    fonts = platform_fonts(phone, "#help-now")
    khmer = [f for f in fonts if "Khmer" in f["familyName"]]
    assert khmer, fonts
    assert all(f["isCustomFont"] for f in khmer), f"a system font drew the Khmer: {fonts}"
    assert sum(f["glyphCount"] for f in khmer) >= 8
    phone.screenshot(path=str(artifacts / "home-km.png"), full_page=True)


def test_font_comes_from_our_origin_as_a_small_subset(phone, live_server):
    fonts = []
    phone.on("response", lambda r: fonts.append(r) if r.request.resource_type == "font" else None)
    phone.goto(live_server.url + "/km/")
    phone.evaluate("document.fonts.ready")
    assert fonts and all(r.url.startswith(live_server.url + "/static/fonts/") for r in fonts)
    assert all(len(r.body()) < 60_000 for r in fonts)


def test_language_switch_round_trips(phone, live_server):
    phone.goto(live_server.url + "/km/about/")
    phone.get_by_role("link", name="English").click()
    phone.wait_for_url("**/en/about/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", level=1).inner_text() == "About Mitta"
    phone.get_by_role("link", name="ខ្មែរ").click()
    phone.wait_for_url("**/km/about/")
    assert phone.locator("html").get_attribute("lang") == "km"
    assert phone.get_by_role("heading", level=1).inner_text() == "អំពី«មិត្ត»"


@pytest.mark.parametrize("locale", ["km", "en"])
def test_readable_at_320_px_with_big_tap_targets(narrow_phone, live_server, locale):
    for path in PAGES:
        assert_readable_at_320_px(narrow_phone, f"{live_server.url}/{locale}{path}")


def test_text_survives_200_percent_zoom(browser, phone_profile, live_server):
    # 200 % text zoom on a 360 px phone is the layout of a 180 px-wide screen.
    profile = dict(phone_profile, viewport={"width": 180, "height": 400}, device_scale_factor=2)
    context = browser.new_context(**profile)
    page = context.new_page()
    for locale in ("km", "en"):
        page.goto(f"{live_server.url}/{locale}/about/")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        clipped = page.evaluate("""() => [...document.querySelectorAll('h1, h2, p, li, a')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow === 'hidden')
            .length""")
        assert clipped == 0
    context.close()


def test_pages_work_without_javascript(phone_without_javascript, live_server):
    page = phone_without_javascript
    page.goto(live_server.url + "/en/")
    assert page.get_by_role("heading", name="Help now").is_visible()
    page.get_by_role("link", name="Privacy").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy"


@pytest.mark.parametrize("locale", ["km", "en"])
def test_no_accessibility_violations(phone, live_server, locale, artifacts):
    found = violations(phone, [f"{live_server.url}/{locale}{path}" for path in PAGES])
    (artifacts / f"axe-{locale}.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    assert not found


def test_dark_theme_has_no_accessibility_violations(browser, phone_profile, live_server):
    # Night use: colour contrast must hold in the dark theme too.
    context = browser.new_context(**phone_profile, color_scheme="dark")
    page = context.new_page()
    paths = ["/km/", "/en/emergency/", "/en/province/pursat/hiv-treatment/", "/km/safety/", "/en/guide/"]
    found = violations(page, [live_server.url + p for p in paths])
    context.close()
    assert not found
