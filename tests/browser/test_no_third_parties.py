"""No third parties: a browse of every kind of page in both languages, while the real service
worker saves both languages whole, makes requests to our own origin only; none fails, nothing
breaks the CSP, no cookie is set. (tests/test_discretion.py checks the HTML of every single page
for anything that would load from elsewhere; pages of one kind differ only in their text.)"""
import pytest

from conftest import make_app
from server.safety import NEUTRAL_PATH
from server.sitemap import page_urls

pytestmark = pytest.mark.browser
PER_KIND = 3


def browse():
    """Up to PER_KIND pages of every kind (endpoint), in both languages, plus the neutral page
    and an error page."""
    app = make_app()
    adapter = app.url_map.bind("localhost")
    chosen, kinds = [], {}
    with app.test_request_context():
        for locale in ("km", "en"):
            for url in page_urls(locale):
                endpoint, _ = adapter.match(url)
                if kinds.setdefault((locale, endpoint), 0) < PER_KIND:
                    kinds[(locale, endpoint)] += 1
                    chosen.append(url)
    return chosen + ["/", NEUTRAL_PATH, "/en/no-such-page/"], {e for _, e in kinds}


def test_a_full_browse_only_ever_talks_to_our_server(browser, phone_profile, live_server):
    origin = live_server.url
    context = browser.new_context(**phone_profile)
    requests, failed, violations, cut_short = [], [], [], set()
    context.on("request", lambda r: requests.append(r))

    def on_failed(request):
        # A request cut short because the next page was opened (ERR_ABORTED) is not a failure, nor
        # is the service worker's fetch of the same URL on that page's behalf, which ends with it.
        if request.failure == "net::ERR_ABORTED":
            cut_short.add(request.url)
        else:
            failed.append((request.url, request.failure, request.service_worker is not None))

    context.on("requestfailed", on_failed)
    page = context.new_page()
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    def saved(locale):
        """The service worker has saved this language (the page says so once it is complete)."""
        page.goto(f"{origin}/{locale}/")
        page.wait_for_selector("#offline-status .offline-saved", timeout=60_000)

    urls, kinds = browse()
    assert len(kinds) >= 10 and len(urls) > 40
    saved("km")
    for url in urls:
        page.goto(origin + url)
    saved("en")  # both languages' downloads have landed: every request they made was seen

    foreign = sorted({r.url for r in requests if not r.url.startswith(origin + "/")})
    assert not foreign, f"requests to other origins: {foreign}"
    from_worker = {r.url for r in requests if r.service_worker}
    # The service worker's downloads were seen too: the whole of each language.
    for locale in ("km", "en"):
        assert any("/offline-pack/" in url for url in from_worker), from_worker
    failed = [f for f in failed if not (f[2] and f[0] in cut_short)]
    assert not failed, failed
    assert not violations, violations
    assert context.cookies() == []  # the one browser check for cookies: every kind of page, both languages
    context.close()
