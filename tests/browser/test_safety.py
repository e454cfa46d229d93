"""Safety on a phone, in a real Chromium against the real server and the real service worker:
quick exit (tap, keyboard, no JavaScript, offline, Back), "Remove Mitta from this phone", and the
dark theme."""
import re

import pytest

from conftest import LiveServer

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
    """Until the real service worker has saved this language, quick exit's neutral page included."""
    for _ in range(300):
        if page.evaluate("async () => !!(await caches.match('/weather/'))"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker did not save the pages")


def is_blank(page):
    """Nothing on the screen can be seen or touched: every point hits only the bare page."""
    return page.evaluate("""() => {
        if (getComputedStyle(document.body).visibility !== 'hidden') return false;
        const points = [];
        for (let x = 5; x < innerWidth; x += 40) for (let y = 5; y < innerHeight; y += 40) points.push([x, y]);
        return points.every(([x, y]) => {
            const hit = document.elementFromPoint(x, y);
            return hit === null || hit === document.documentElement;
        });
    }""")


def test_quick_exit_blanks_at_once_leaves_and_back_does_not_return(context, site):
    page = context.new_page()
    page.goto(site.url + "/en/")
    page.get_by_role("link", name="About", exact=True).click()
    page.wait_for_url(site.url + "/en/about/")
    assert not is_blank(page)

    held = []
    page.route(ELSEWHERE, lambda route: held.append(route))  # the other site has not answered yet…
    page.get_by_role("link", name="Quick exit", exact=True).click(no_wait_after=True)
    page.wait_for_function("document.documentElement.classList.contains('quick-exit-blank')")
    assert is_blank(page)  # …and the screen is already blank
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "quick exit did not leave"
    assert "referer" not in held[0].request.headers
    held[0].continue_()
    page.wait_for_url(ELSEWHERE)
    assert page.locator("h1").inner_text() == "អាកាសធាតុ"

    # The page we left was replaced in the history: Back goes to the one before it.
    page.go_back()
    assert page.url == site.url + "/en/"


def test_keyboard_skip_link_then_enter_leaves(context, site):
    page = context.new_page()
    page.goto(site.url + "/km/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focused == ["រំលងទៅការចាកចេញរហ័ស", "#quick-exit"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    assert page.evaluate("document.activeElement.textContent.trim()") == "ចាកចេញរហ័ស"
    page.keyboard.press("Enter")
    page.wait_for_url(ELSEWHERE)


def test_shift_three_times_within_five_seconds_leaves(context, site):
    page = context.new_page()
    page.clock.install()
    held = []
    page.route(ELSEWHERE, lambda route: held.append(route))  # keep the page until we have looked
    page.goto(site.url + "/en/about/")

    def left():
        return page.evaluate("document.documentElement.classList.contains('quick-exit-blank')")

    for _ in range(3):  # typing capitals: Shift as a modifier does not count
        page.keyboard.press("Shift+A")
    assert not left()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")  # another key starts the count again…
    page.keyboard.press("Shift")
    assert not left()  # …so this is press one, not three
    page.clock.fast_forward(3000)
    page.keyboard.press("Shift")
    page.clock.fast_forward(3000)
    page.keyboard.press("Shift")
    assert not left(), "three presses over six seconds are not a quick exit"
    page.keyboard.press("Shift")  # the last three within five seconds
    assert left()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    held[0].continue_()
    page.wait_for_url(ELSEWHERE)


def test_without_javascript_quick_exit_and_remove_still_work(browser, phone_profile, site):
    context = browser.new_context(**phone_profile, java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/en/privacy/")
    assert page.locator("[data-theme-toggle]").first.is_hidden()  # needs JavaScript: not shown
    page.get_by_role("link", name="Quick exit", exact=True).click()
    page.wait_for_url(ELSEWHERE)

    page.goto(site.url + "/km/safety/")
    page.get_by_role("link", name="លុបមិត្តចេញពីទូរស័ព្ទនេះ").click()
    page.wait_for_url(site.url + "/km/safety/remove/")
    with page.expect_response(site.url + "/km/safety/remove/") as answer:
        page.get_by_role("button", name="យល់ព្រម លុបទាំងអស់").click()
    assert answer.value.all_headers()["clear-site-data"] == '"cache", "cookies", "storage"'
    page.wait_for_url(site.url + "/weather/")
    assert "មិត្ត" not in page.content()
    context.close()


STORAGE = """async () => ({
    caches: await caches.keys(),
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    databases: (await indexedDB.databases()).map(d => d.name),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
})"""


def test_remove_mitta_leaves_nothing_of_ours_on_the_phone(context, site):
    page = context.new_page()
    page.goto(site.url + "/en/")
    # The real service worker registers and saves the pack; then a person's own traces.
    wait_until_saved(page)
    page.get_by_role("button", name="Dark theme").first.click()
    page.evaluate("""async () => {
        localStorage.setItem('province', 'pursat');
        sessionStorage.setItem('last-search', 'clinic');
        await (await caches.open('extra')).put('/en/about/', new Response('copy'));
        await new Promise(done => { const r = indexedDB.open('notes'); r.onsuccess = () => { r.result.close(); done(); }; });
    }""")
    before = page.evaluate(STORAGE)
    assert any(name.startswith("mitta-") for name in before["caches"]) and "extra" in before["caches"]
    assert {"province", "theme"} <= set(before["local"]) and before["session"]
    assert before["databases"] == ["notes"] and before["workers"] == 1

    page.get_by_role("link", name="Using Mitta safely").click()
    page.get_by_role("link", name="Remove Mitta from this phone").click()
    page.wait_for_url(site.url + "/en/safety/remove/")
    page.get_by_role("button", name="Yes, remove everything").click()
    page.wait_for_url(ELSEWHERE)  # it leaves like quick exit

    page.goto(site.url + "/weather/")  # back on our origin, on the one page that runs no script
    after = page.evaluate(STORAGE)
    assert after == {"caches": [], "local": [], "session": [], "databases": [], "workers": 0}
    assert "POST /en/safety/remove/ 303" in site.log_text()  # and the server was asked to clear the HTTP cache


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
    context.set_offline(True)
    page.get_by_role("link", name="Quick exit", exact=True).click()
    page.wait_for_url(own_server.url + "/weather/")
    assert page.title() == "អាកាសធាតុ · Weather"
    assert page.locator("h1").inner_text() == "អាកាសធាតុ"
    html = page.content()
    assert "Mitta" not in html and "មិត្ត" not in html
    assert not [url for url in requested if "bbc" in url]  # offline, it did not try the other site

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
    assert page.evaluate("localStorage.getItem('theme')") == "light"
    context.close()
