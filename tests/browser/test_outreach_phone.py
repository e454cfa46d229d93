"""Issue 14 in a real Chromium: QR codes decoded from the screen and from the printed card, the
card printed to PDF at A4 and A6 (every number there, nothing near the page edge, no overflow in
print layout), cards and share texts from the saved copy with the server gone, list sharing, and
axe on the new pages. The server half is tests/test_outreach.py."""
import io
import json

import pypdfium2 as pdfium
import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from conftest import LiveServer, make_app
from phone import assert_readable_at_320_px
from server.cards import card_for
from test_offline import wait_saved

pytestmark = pytest.mark.browser

PUBLIC = "https://mitta.example.org"
MM = 72 / 25.4                 # PDF points per millimetre
PX = 96 / 25.4                 # CSS pixels per millimetre
SIZES = {"A4": (210, 297), "A6": (105, 148)}
SAFE_MM = 5                    # text at least this far from the paper's edge: home printers print it
COPIES = {"A4": 4, "A6": 1}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server whose public address is not the one the browser uses: codes must carry PUBLIC."""
    live = LiveServer(tmp_path_factory.mktemp("outreach"), env={"MITTA_PUBLIC_URL": PUBLIC}).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def model():
    return make_app({"PUBLIC_URL": PUBLIC}).extensions["content"]


@pytest.fixture
def desk(browser):
    """A plain desktop page, as on the office computer a card is printed from."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def decode(image):
    return sorted(b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))


def card_numbers(card):
    services = list(card.emergency) + [s for section in card.sections for s in section.services]
    return {p.number for s in services for p in s.public_phones}


# ------------------------------------------------------------------ QR codes on the screen

def test_qr_codes_on_screen_open_the_page_at_the_public_address(phone, server, model):
    service = model.emergency_services[1]
    for path in ("/km/", "/en/", f"/km/service/{service.id}/", f"/en/service/{service.id}/"):
        phone.goto(server.url + path)
        box = phone.locator("details.qr-box")
        assert not box.locator("svg.qr").is_visible()   # folded away until asked for
        box.locator("summary").click()
        shot = box.locator("svg.qr").screenshot()
        assert decode(Image.open(io.BytesIO(shot))) == [PUBLIC + path], path


# ------------------------------------------------------------------ the card, printed

@pytest.mark.parametrize("locale", ["km", "en"])
@pytest.mark.parametrize("slug", ["pursat", "kratie"])
def test_card_prints_to_pdf_at_a4_and_a6(desk, server, model, locale, slug):
    card = card_for(model, model.province(slug))
    desk.goto(f"{server.url}/{locale}/province/{slug}/card/")
    desk.evaluate("document.fonts.ready.then(() => true)")
    for size, (width_mm, height_mm) in SIZES.items():
        pdf = pdfium.PdfDocument(desk.pdf(format=size))
        assert len(pdf) == 1, f"{size}: the card spilled onto {len(pdf)} pages"
        page = pdf[0]
        width, height = page.get_size()
        assert (round(width / MM), round(height / MM)) == (width_mm, height_mm)
        text = page.get_textpage()
        words = text.get_text_range()
        missing = sorted(n for n in card_numbers(card) if n not in words)
        assert not missing, f"{size}: {missing} not in the PDF"
        if locale == "en":
            assert words.count("Health and help numbers") == COPIES[size]
        # Nothing cut at the page edge: every printed character stays SAFE_MM inside the paper.
        for i in range(text.count_chars()):
            if text.get_text_range(i, 1).strip():
                left, bottom, right, top = text.get_charbox(i)
                assert left >= SAFE_MM * MM and bottom >= SAFE_MM * MM, (size, text.get_text_range(i, 1))
                assert right <= width - SAFE_MM * MM and top <= height - SAFE_MM * MM, (size, text.get_text_range(i, 1))
        # The code on every card opens Mitta at its public address, read from the printed page.
        image = page.render(scale=200 / 72, grayscale=True).to_pil()
        assert decode(image) == [f"{PUBLIC}/{locale}/"] * COPIES[size], size


OVERFLOW = """() => {
  const cards = [...document.querySelectorAll('.print-card')].filter(c => c.getClientRects().length);
  const out = {cards: cards.length, problems: []};
  const W = innerWidth, H = innerHeight;
  for (const card of cards) {
    const r = card.getBoundingClientRect(), s = getComputedStyle(card);
    if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1)
      out.problems.push('card outside the paper: ' + JSON.stringify(r));
    if (card.scrollHeight > card.clientHeight + 1 || card.scrollWidth > card.clientWidth + 1)
      out.problems.push('card overflows: ' + card.scrollHeight + ' > ' + card.clientHeight);
    const inner = {left: r.left + parseFloat(s.paddingLeft) - 1, right: r.right - parseFloat(s.paddingRight) + 1,
                   top: r.top + parseFloat(s.paddingTop) - 1, bottom: r.bottom - parseFloat(s.paddingBottom) + 1};
    for (const el of card.querySelectorAll('*')) {
      const b = el.getBoundingClientRect();
      if (!b.width && !b.height) continue;
      if (b.left < inner.left || b.right > inner.right || b.top < inner.top || b.bottom > inner.bottom)
        out.problems.push(el.tagName + ' "' + el.textContent.trim().slice(0, 40) + '" leaves the card: ' +
                          JSON.stringify([b.left, b.top, b.right, b.bottom]));
    }
  }
  return out;
}"""


@pytest.mark.parametrize("locale", ["km", "en"])
def test_no_card_overflows_its_paper_in_print_layout(desk, server, model, locale):
    desk.emulate_media(media="print")
    problems = {}
    for province in model.provinces:
        desk.goto(f"{server.url}/{locale}/province/{province.slug}/card/")
        desk.evaluate("document.fonts.ready.then(() => true)")
        for size, (width_mm, height_mm) in SIZES.items():
            desk.set_viewport_size({"width": round(width_mm * PX), "height": round(height_mm * PX)})
            found = desk.evaluate(OVERFLOW)
            assert found["cards"] == COPIES[size], (province.slug, size, found["cards"])
            if found["problems"]:
                problems[(province.slug, size)] = found["problems"][:3]
    assert not problems, problems


# ------------------------------------------------------------------ offline

def test_cards_and_share_texts_open_from_the_saved_copy(browser, phone_profile, tmp_path, model):
    server = LiveServer(tmp_path, env={"MITTA_PUBLIC_URL": PUBLIC}).start()
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    try:
        page.goto(server.url + "/km/")
        wait_saved(page)
        server.stop()
        card = card_for(model, model.province("pursat"))
        page.goto(server.url + "/km/province/pursat/card/")
        assert page.locator("h1").text_content() == "កាតសម្រាប់បោះពុម្ព"
        assert page.get_by_role("button", name="បោះពុម្ព").is_visible()
        shown = page.locator(".print-card").first.inner_text()
        assert all(n in shown for n in card_numbers(card))
        words = pdfium.PdfDocument(page.pdf(format="A6"))[0].get_textpage().get_text_range()
        assert all(n in words for n in card_numbers(card))
        # The texts lists share come from the saved copy too: every document it holds (national,
        # each province's) together has every listed service's.
        texts = page.evaluate("""async () => {
          const texts = {};
          for (const name of await caches.keys()) {
            const done = await caches.match('/__mitta/done', {cacheName: name});
            for (const path of Object.keys(done ? (await done.json()).pages : {})) {
              if (path.startsWith('/km/share-texts')) Object.assign(texts, await (await fetch(path)).json());
            }
          }
          return texts;
        }""")
        assert set(texts) == {s.id for s in model.listed_services}
        assert server.process.poll() is not None, "the server was really gone"
    finally:
        context.close()
        server.stop()


# ------------------------------------------------------------------ sharing on the phone

def test_list_share_opens_the_service_share_buttons_and_copy_gives_the_server_text(browser, phone_profile, server):
    context = browser.new_context(**phone_profile, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(server.url + "/en/province/kratie/hiv-testing/")
        assert page.evaluate("typeof navigator.share") == "undefined"   # no share sheet here
        link = page.locator("a[data-share]").first
        service_id = link.get_attribute("data-share")
        documents = link.evaluate("a => a.closest('[data-share-texts]').getAttribute('data-share-texts')").split()
        link.click()
        page.wait_for_url(f"**/en/service/{service_id}/#share")
        expected = {}
        for url in documents:
            expected |= json.loads(page.evaluate("(url) => fetch(url).then(r => r.text())", url))
        expected = expected[service_id]
        sms = page.locator("a[data-share-fallback]")
        assert sms.is_visible() and sms.get_attribute("href").startswith("sms:?body=")
        assert not page.locator("button[data-share]").is_visible()   # no share sheet to open
        copy = page.locator("button[data-copy]")
        copy.click()
        page.wait_for_function("() => document.querySelector('button[data-copy]').textContent === 'Copied'")
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert expected.endswith(f"{PUBLIC}/en/service/{service_id}/")
    finally:
        context.close()


# ------------------------------------------------------------------ accessibility

@pytest.mark.parametrize("locale", ["km", "en"])
def test_card_page_and_open_qr_codes_have_no_accessibility_violations(phone, server, model, locale):
    axe = Axe()
    found = {}
    service = model.emergency_services[0]
    for path, opens in ((f"/{locale}/province/pursat/card/", None), (f"/{locale}/province/kampot/card/", None),
                        (f"/{locale}/", "details.qr-box summary"),
                        (f"/{locale}/service/{service.id}/", "details.qr-box summary")):
        phone.goto(server.url + path)
        if opens:
            phone.locator(opens).click()
        result = axe.run(phone)
        if result.violations_count:
            found[path] = [(v["id"], v["help"]) for v in result.response["violations"]]
    assert not found, found


def test_without_javascript_only_what_works_shows(phone_without_javascript, server, model):
    page = phone_without_javascript
    page.goto(f"{server.url}/en/service/{model.emergency_services[0].id}/")
    assert page.locator("a[data-share-fallback]").is_visible()
    assert not page.locator("button[data-share]").is_visible() and not page.locator("button[data-copy]").is_visible()
    page.locator("details.qr-box summary").click()
    assert page.locator("details.qr-box svg.qr").is_visible()
    page.goto(f"{server.url}/en/province/pursat/card/")
    assert not page.locator("button[data-print]").is_visible()
    assert page.locator(".print-card").first.is_visible()


def test_card_page_and_service_share_fit_320_px_with_big_tap_targets(narrow_phone, server, model):
    service = model.emergency_services[0]
    for locale in ("km", "en"):
        for path in ("/province/pursat/card/", f"/service/{service.id}/"):
            assert_readable_at_320_px(narrow_phone, f"{server.url}/{locale}{path}")
