"""Issue 11 on a real phone: every province × need has something to call from the saved copy too,
and an alert that has ended disappears on the phone without a new version of the app."""
import datetime as dt
import re

import pytest

from conftest import LiveServer
from content_copies import small_content
from test_offline import wait_saved

pytestmark = pytest.mark.browser
ICT = dt.timezone(dt.timedelta(hours=7))

# The saved pages as the phone shows them: listed from the completion markers of the caches, read
# through the service worker (the server is gone), which answers each from its saved part.
SAVED_PAGES = """async (locale) => {
  const out = {};
  for (const name of await caches.keys()) {
    if (!name.endsWith('-' + locale)) continue;
    const done = await caches.match('/__mitta/done', {cacheName: name});
    for (const path of Object.keys(done ? (await done.json()).pages : {})) {
      if (path.startsWith('/' + locale + '/')) out[path] = await (await fetch(path)).text();
    }
  }
  return out;
}"""


def main(html):
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture(scope="module")
def saved_both(browser, phone_profile, tmp_path_factory):
    """Two phones that each visited one language's home page once; then the server died."""
    server = LiveServer(tmp_path_factory.mktemp("saved-both")).start()
    phones = {}
    for locale in ("km", "en"):
        context = browser.new_context(**phone_profile)
        page = context.new_page()
        page.goto(f"{server.url}/{locale}/")
        wait_saved(page)
        phones[locale] = page
    server.stop()
    yield server, phones
    for page in phones.values():
        page.context.close()


@pytest.mark.parametrize("locale", ["km", "en"])
def test_every_province_need_page_has_something_to_call_from_the_saved_copy(saved_both, locale):
    server, phones = saved_both
    page = phones[locale]
    saved = page.evaluate(SAVED_PAGES, locale)
    needs = sorted(p for p in saved if re.fullmatch(f"/{locale}/category/[a-z-]+/", p))
    assert len(needs) >= 14
    checked = 0
    for need in needs:
        chooser = main(saved[need]).split('class="province-list"', 1)[1].split("</details>", 1)[0]
        targets = re.findall(r'href="(/[^"]+)"', chooser)
        assert len(targets) == 25, need
        for target in targets:
            assert target in saved, f"{target} (from {need}) is not in the saved copy"
            html = main(saved[target])
            assert re.search(r'href="tel:[^"]+"', html), target
            assert not re.search(r'<ul class="card-list">\s*</ul>', html), target
            checked += 1
    assert checked == 25 * len(needs)
    # And one of them, opened with the server gone, shows its numbers.
    page.goto(f"{server.url}{targets[0]}")
    assert page.locator('main a[href^="tel:"]').first.is_visible()


@pytest.fixture(scope="module")
def alert_server(tmp_path_factory):
    """The small made-up directory, served with the clock pinned before its alert ends (2026-12-15)."""
    tmp = tmp_path_factory.mktemp("alert")
    server = LiveServer(tmp, env={"MITTA_CONTENT_DIR": str(small_content(tmp)),
                                  "MITTA_CLOCK": "2026-12-01T09:00:00+07:00"}).start()
    yield server
    server.stop()


def test_an_ended_alert_disappears_on_the_phone_without_a_new_version(browser, phone_profile, alert_server):
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2026, 12, 10, 9, tzinfo=ICT))
    page.goto(alert_server.url + "/en/province/pursat/legal-aid/")
    wait_saved(page)
    banner = page.get_by_text("Number changed on 1 December")
    assert banner.is_visible()
    version = page.evaluate("caches.keys()")
    # Weeks later, offline: the same saved page, and the phone's own clock says the alert is over.
    alert_server.stop()
    page.clock.set_fixed_time(dt.datetime(2026, 12, 16, 9, tzinfo=ICT))
    page.reload()
    assert page.get_by_role("heading", name="Legal aid").is_visible()
    assert page.locator("[data-alert-until]").count() == 1
    assert not banner.is_visible()
    assert page.evaluate("caches.keys()") == version
    # The last day still shows it (Cambodian days: 23:59 on 15 December in Phnom Penh).
    page.clock.set_fixed_time(dt.datetime(2026, 12, 15, 23, 59, tzinfo=ICT))
    page.reload()
    assert banner.is_visible()
    context.close()
