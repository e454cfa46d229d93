"""Safety on a phone, in a real Chromium against the real server and the real service worker:
quick exit (tap, keyboard, no JavaScript, offline, Back), "Remove Mitta from this phone", and the
dark theme."""
import re
from urllib.parse import urlsplit

import pytest

from a11y import violations
from phone import assert_readable_at_320_px, is_saved, wait_until_cached
from conftest import CHROMIUM_FLAGS, LiveServer, airplane_mode, chromium_path

pytestmark = pytest.mark.browser

# Our pages are on 127.0.0.1; the "other site" quick exit leaves for is the same server reached
# as localhost: a different origin, so the browser really leaves, and nothing needs the internet.
ELSEWHERE = re.compile(r"^http://localhost:\d+/weather/\?left$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("exit"))
    server.env["MITTA_QUICK_EXIT_URL"] = f"http://localhost:{server.port}/weather/?left"
    server.start()
    yield server
    server.stop()


@pytest.fixture
def context(browser, phone_profile):
    context = browser.new_context(**phone_profile)
    yield context
    context.close()


def wait_until_saved(page):
    """Until the real service worker has saved this language (its completion marker, written
    last), quick exit's neutral page included."""
    wait_until_cached(page, "/__mitta/done")
    wait_until_cached(page, "/weather/")


# The page reports, the moment the screen is blanked (before anything else happens), how long
# after the tap that was and whether anything could still be seen or touched.
REPORT_THE_BLANK = """
document.addEventListener('click', () => { window.tappedAt = performance.now(); }, true);
document.addEventListener('DOMContentLoaded', () => new MutationObserver((_, observer) => {
    if (!document.documentElement.classList.contains('quick-exit-blank')) return;
    observer.disconnect();
    const visible = [];
    for (let x = 5; x < innerWidth; x += 40) for (let y = 5; y < innerHeight; y += 40) {
        const hit = document.elementFromPoint(x, y);
        if (hit && hit !== document.documentElement && hit !== document.body) visible.push(hit.tagName);
    }
    const status = document.querySelector('[role="status"][aria-live="polite"]');
    window.reportBlank({path: location.pathname, afterTap: performance.now() - window.tappedAt,
                        hidden: getComputedStyle(document.querySelector('main')).visibility === 'hidden',
                        visible, said: status.textContent,
                        heard: getComputedStyle(status).visibility !== 'hidden'});
}).observe(document.documentElement, {attributes: true}));
"""


def test_quick_exit_blanks_at_once_leaves_and_back_does_not_return(context, site):
    page = context.new_page()
    blanked = []
    page.expose_function("reportBlank", lambda report: blanked.append(report))
    page.add_init_script(REPORT_THE_BLANK)
    page.goto(site.url + "/en/")
    page.get_by_role("link", name="About", exact=True).click()
    page.wait_for_url(site.url + "/en/about/")

    with page.expect_request(ELSEWHERE) as leaving:
        page.get_by_role("link", name="Quick exit", exact=True).click()
    assert "referer" not in leaving.value.headers
    page.wait_for_url(ELSEWHERE)
    assert page.locator("h1").inner_text() == "អាកាសធាតុ"
    assert len(blanked) == 1 and blanked[0]["path"] == "/en/about/"
    assert blanked[0]["afterTap"] < 50, "the screen goes blank at the tap, not later"
    assert blanked[0]["hidden"] and blanked[0]["visible"] == []
    # A screen reader hears that the page is closing: the live region says so, and stays exposed.
    assert blanked[0]["said"] == "Leaving this page" and blanked[0]["heard"]

    # The page we left was replaced in the history: Back goes to the one before it.
    page.go_back()
    assert page.url == site.url + "/en/"


def test_keyboard_skip_link_leaves_with_one_enter(context, site):
    page = context.new_page()
    page.goto(site.url + "/km/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focused == ["រំលងទៅការចាកចេញរហ័ស", "#quick-exit"]
    with page.expect_request(ELSEWHERE):
        page.keyboard.press("Enter")  # the skip link itself leaves: no second Enter on the button
    page.wait_for_url(ELSEWHERE)


def status_line(page):
    """What the quick-exit status line shows (None while it is empty and takes no room)."""
    line = page.get_by_role("status").and_(page.locator("[data-quick-exit-status]"))
    return line.inner_text() if line.is_visible() else None


def test_shift_presses_show_progress_in_both_languages(context, site):
    page = context.new_page()
    page.clock.install()
    page.goto(site.url + "/km/about/")
    assert status_line(page) is None
    page.keyboard.press("Shift")
    assert status_line(page) == "ចុចគ្រាប់ចុច Shift ពីរដងទៀត ដើម្បីចាកចេញ"
    page.goto(site.url + "/en/about/")
    page.keyboard.press("Shift")
    assert status_line(page) == "Press Shift 2 more times to exit"
    page.keyboard.press("Shift")
    assert status_line(page) == "Press Shift 1 more time to exit"
    page.clock.fast_forward(5100)  # the count lapses, and the words with it
    assert status_line(page) is None
    page.keyboard.press("Shift")
    assert status_line(page) == "Press Shift 2 more times to exit"
    page.keyboard.press("a")  # another key starts again
    assert status_line(page) is None


def test_quick_exit_works_before_any_file_has_arrived(context, site):
    """On 2G the stylesheet and scripts come seconds after the page: quick exit is inline
    (server/critical.py), so three Shift presses leave while every /static/ file is still held."""
    page = context.new_page()
    held = []
    page.route("**/static/**", lambda route: held.append(route))  # never answered
    page.goto(site.url + "/en/about/", wait_until="commit")
    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length")
    assert held and page.evaluate("performance.getEntriesByType('resource').length") == 0
    page.keyboard.press("Shift")
    assert status_line(page) == "Press Shift 2 more times to exit"  # the critical CSS shows it
    with page.expect_request(ELSEWHERE):
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
    page.wait_for_url(ELSEWHERE, wait_until="commit")
    for route in held:
        route.abort()


def test_a_page_back_from_the_back_forward_cache_starts_afresh(playwright_instance, phone_profile, site):
    # Playwright turns the back/forward cache off by default; a phone has it on.
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_FLAGS + ["--enable-features=BackForwardCache"],
        ignore_default_args=["--disable-back-forward-cache"])
    page = browser.new_context(**phone_profile).new_page()
    page.add_init_script("addEventListener('pageshow', e => { window.fromCache = e.persisted; });")
    page.clock.install()
    page.goto(site.url + "/en/about/")
    page.clock.pause_at(page.evaluate("Date.now()"))  # no press lapses while we are away
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert status_line(page) == "Press Shift 1 more time to exit"
    page.evaluate("window.fromCache = undefined")
    page.get_by_role("link", name="Privacy", exact=True).click()
    page.wait_for_url(site.url + "/en/privacy/")
    page.go_back(wait_until="commit")  # a page from the cache fires no load event
    page.wait_for_function("() => window.fromCache !== undefined")  # a function: our CSP forbids eval
    assert page.evaluate("window.fromCache"), "the page did not come from the back/forward cache"
    assert status_line(page) is None
    page.keyboard.press("Shift")  # press one again, not three
    assert status_line(page) == "Press Shift 2 more times to exit"
    assert page.url == site.url + "/en/about/"
    browser.close()


def test_without_javascript_quick_exit_still_works(phone_without_javascript, site):
    page = phone_without_javascript
    page.goto(site.url + "/km/safety/")
    assert page.locator("[data-theme-toggle]").first.is_hidden()  # needs JavaScript: not shown
    assert not page.get_by_text("អ្នកក៏អាចជ្រើសរើសនៅទីនេះបានដែរ").is_visible()  # no choice to offer
    page.get_by_role("link", name="ចាកចេញរហ័ស", exact=True).click()
    page.wait_for_url(ELSEWHERE)


STORAGE = """async () => ({
    caches: await caches.keys(),
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    databases: (await indexedDB.databases()).map(d => d.name),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
})"""
NOTHING = {"caches": [], "local": [], "session": [], "databases": [], "workers": 0}


def leave_traces(page):
    """The real service worker saves the pack; then a person's own traces, of every kind."""
    wait_until_saved(page)
    page.locator("footer [data-theme-toggle]").click()
    page.evaluate("""async () => {
        localStorage.setItem('mitta.province', 'pursat');
        sessionStorage.setItem('last-search', 'clinic');
        await (await caches.open('extra')).put('/en/about/', new Response('copy'));
        await new Promise(done => { const r = indexedDB.open('notes'); r.onsuccess = () => { r.result.close(); done(); }; });
    }""")
    before = page.evaluate(STORAGE)
    assert any(name.startswith("mitta-") for name in before["caches"]) and "extra" in before["caches"]
    assert {"mitta.province", "mitta.theme"} <= set(before["local"]) and before["session"]
    assert before["databases"] == ["notes"] and before["workers"] == 1


@pytest.mark.parametrize("online", [False, True], ids=["offline", "online"])
def test_remove_mitta_leaves_nothing_of_ours_on_the_phone(context, site, online):
    page = context.new_page()
    page.goto(site.url + "/en/")
    leave_traces(page)
    page.get_by_role("link", name="Using Mitta safely").click()
    page.get_by_role("link", name="Remove Mitta from this phone").click()
    page.wait_for_url(site.url + "/en/safety/remove/")
    posts = site.log_text().count("POST /en/safety/remove/ 303")
    # Offline, the phone's own script must delete everything by itself.
    airplane_mode(context, not online)
    page.get_by_role("button", name="Yes, remove everything").click()
    if online:
        page.wait_for_url(ELSEWHERE)  # it leaves like quick exit
    else:
        page.wait_for_url("about:blank")  # the saved neutral page went with everything else
    airplane_mode(context, False)

    page.goto(site.url + "/weather/")  # back on our origin, on the one page that runs no script
    assert page.evaluate(STORAGE) == NOTHING
    # Online, the server was also asked to clear the browser's HTTP cache (Clear-Site-Data).
    assert site.log_text().count("POST /en/safety/remove/ 303") == posts + online


def test_remove_without_javascript_clears_everything_through_the_server(context, site):
    page = context.new_page()
    page.goto(site.url + "/km/")
    leave_traces(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})  # JavaScript off from here
    page.goto(site.url + "/km/safety/")
    page.get_by_role("link", name="លុបកម្មវិធីមិត្តចេញពីទូរស័ព្ទនេះ").click()
    page.wait_for_url(site.url + "/km/safety/remove/")
    with page.expect_response(site.url + "/km/safety/remove/") as answer:
        page.get_by_role("button", name="យល់ព្រម លុបទាំងអស់").click()
    assert answer.value.all_headers()["clear-site-data"] == '"cache", "cookies", "storage"'
    page.wait_for_url(site.url + "/weather/")  # the neutral page, from the server
    assert "មិត្ត" not in page.content()
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
    page.reload()
    assert page.evaluate(STORAGE) == NOTHING


def test_another_site_cannot_remove_mitta(context, site):
    page = context.new_page()
    page.goto(site.url + "/en/")
    wait_until_saved(page)
    other = context.new_page()  # a page of no origin of ours posts the remove form
    other.set_content(f'<form method="post" action="{site.url}/en/safety/remove/"><button>go</button></form>')
    with other.expect_response(site.url + "/en/safety/remove/") as answer:
        other.get_by_role("button").click()
    assert answer.value.status == 403
    assert "clear-site-data" not in answer.value.all_headers()
    assert is_saved(page, "/weather/")  # the saved copy is still there


def test_offline_quick_exit_opens_the_saved_neutral_page(browser, phone_profile, own_server):
    own_server.start()
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    requested = []
    context.on("request", lambda r: requested.append(r.url))
    page.goto(own_server.url + "/en/")
    wait_until_saved(page)
    page.get_by_role("link", name="About", exact=True).click()
    page.wait_for_url(own_server.url + "/en/about/")

    own_server.stop()  # the network is gone
    airplane_mode(context, True)
    page.get_by_role("link", name="Quick exit", exact=True).click()
    page.wait_for_url(own_server.url + "/weather/")
    assert page.title() == "អាកាសធាតុ · Weather"
    assert page.locator("h1").inner_text() == "អាកាសធាតុ"
    html = page.content()
    assert "Mitta" not in html and "មិត្ត" not in html
    # Offline, it did not try the other site (asked of the host: a pack part's hash may hold "bbc").
    assert not [url for url in requested if urlsplit(url).netloc not in ("", urlsplit(own_server.url).netloc)]

    page.go_back()
    assert page.url == own_server.url + "/en/"
    context.close()


def test_dark_theme_follows_the_phone_and_the_choice_is_remembered(browser, phone_profile, live_server):
    context = browser.new_context(**phone_profile, color_scheme="dark")
    page = context.new_page()
    background = "getComputedStyle(document.body).backgroundColor"
    page.goto(live_server.url + "/en/safety/")
    assert page.evaluate(background) == "rgb(17, 20, 23)"  # the phone is dark: so are we
    toggle = page.get_by_role("button", name="Dark theme").first
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    assert toggle.get_attribute("aria-pressed") == "false"

    # Remembered, and applied before the body exists: the page never flashes dark first.
    page.add_init_script("""new MutationObserver((_, observer) => {
        if (document.body) { window.themeAtBody = document.documentElement.getAttribute('data-theme'); observer.disconnect(); }
    }).observe(document, {childList: true, subtree: true});""")
    page.goto(live_server.url + "/km/")
    assert page.evaluate("window.themeAtBody") == "light"
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    assert page.evaluate("localStorage.getItem('mitta.theme')") == "light"
    context.close()


@pytest.mark.parametrize("locale", ["km", "en"])
def test_safety_pages_read_well_at_320_px_and_pass_axe(narrow_phone, live_server, locale, artifacts):
    page = narrow_phone
    urls = [live_server.url + path for path in (f"/{locale}/safety/", f"/{locale}/safety/remove/", "/weather/")]
    for url in urls:
        assert_readable_at_320_px(page, url)
        header = page.evaluate("document.querySelector('.site-header')?.getBoundingClientRect().height")
        assert header is None or header < 64, f"{url}: the sticky header takes {header}px"
    found = violations(page, urls)
    page.goto(urls[0])
    page.screenshot(path=str(artifacts / f"safety-{locale}-320.png"), full_page=True)
    assert not found, found
