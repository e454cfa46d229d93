"""The safety guidance in a real Chromium on a small phone: accessible (axe-core), readable at
320 px, and "Where to get help" leading to the reader's own province when the phone remembers it."""
import json

import pytest

from a11y import violations
from phone import assert_readable_at_320_px

pytestmark = pytest.mark.browser

PAGES = ["/guide/", "/guide/pep-72-hours/"]


@pytest.mark.parametrize("locale", ["km", "en"])
def test_guide_has_no_accessibility_violations(phone, live_server, locale, artifacts):
    found = violations(phone, [f"{live_server.url}/{locale}{path}" for path in PAGES])
    (artifacts / f"axe-guide-{locale}.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    phone.screenshot(path=str(artifacts / f"guide-pep-{locale}.png"), full_page=True)
    assert not found


def test_guide_fits_320_px_with_big_tap_targets(narrow_phone, live_server):
    for locale in ("km", "en"):
        for path in PAGES:
            assert_readable_at_320_px(narrow_phone, f"{live_server.url}/{locale}{path}")


def help_link(page, category):
    return page.locator(f'.guide-help a[data-category="{category}"]')


def test_help_links_go_to_the_remembered_province(phone, live_server):
    article = live_server.url + "/km/guide/pep-72-hours/"
    phone.goto(article)
    # No province remembered: the link asks where the reader is.
    assert help_link(phone, "pep-prep").get_attribute("href") == "/km/category/pep-prep/"
    phone.evaluate("localStorage.setItem('mitta.province', 'pursat')")
    phone.goto(article)
    link = help_link(phone, "pep-prep")
    assert link.get_attribute("href") == "/km/province/pursat/pep-prep/"
    link.click()
    phone.wait_for_url("**/km/province/pursat/pep-prep/")
    assert phone.locator("h1").count() == 1
    # A remembered value the app has no page for is ignored, not followed to a 404.
    phone.evaluate("localStorage.setItem('mitta.province', 'atlantis')")
    phone.goto(article)
    assert help_link(phone, "pep-prep").get_attribute("href") == "/km/category/pep-prep/"
