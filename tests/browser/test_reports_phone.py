"""Reporting a problem with a listing as a person on a phone does it: without JavaScript, and
offline with the real service worker, the report waiting on the phone until the server is back.
"Offline" is a dead server (and, for the `online` event, the browser's own offline switch)."""
import sqlite3

import pytest

import conftest
from conftest import airplane_mode

pytestmark = pytest.mark.browser

SAVED = "#offline-status .offline-saved"
STATUS = "[data-report-status]"


@pytest.fixture(scope="module")
def service():
    model = conftest.make_app().extensions["content"]
    return next(s for s in model.services if s.listed)


def stored(path):
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute("SELECT service_id, kind, text FROM reports ORDER BY id").fetchall()


def says(page, words):
    """Wait until the report's status line says `words` (it is announced, role=status)."""
    page.wait_for_function("([sel, words]) => document.querySelector(sel).textContent.startsWith(words)",
                           arg=[STATUS, words])


def fill(page, kind_label, text):
    page.locator("details.report summary").click()
    page.get_by_label(kind_label).check()
    page.locator("#report-text").fill(text)


@pytest.mark.parametrize("locale, summary, kind, send, sent", [
    ("en", "Report a problem with this listing", "It has moved", "Send report", "Sent. Thank you."),
    ("km", "រាយការណ៍បញ្ហាអំពីព័ត៌មាននេះ", "វាបានផ្លាស់ទីតាំងហើយ", "ផ្ញើរបាយការណ៍", "បានផ្ញើហើយ។ សូមអរគុណ។"),
])
def test_without_javascript_the_form_is_answered_with_a_page(phone_without_javascript, own_server, reports_db,
                                                              service, locale, summary, kind, send, sent):
    own_server.start()
    page = phone_without_javascript
    page.goto(f"{own_server.url}/{locale}/service/{service.id}/")
    assert page.locator("details.report summary").inner_text() == summary
    fill(page, kind, "ផ្លាស់ទៅជិតផ្សារ")
    page.get_by_role("button", name=send).click()
    assert page.get_by_role("heading", level=1).inner_text() == sent
    assert page.locator("html").get_attribute("lang") == locale
    page.get_by_role("link", name={"en": "Back to the listing", "km": "ត្រឡប់ទៅព័ត៌មានសេវាវិញ"}[locale]).click()
    assert page.url == f"{own_server.url}/{locale}/service/{service.id}/"
    assert stored(reports_db) == [(service.id, "moved", "ផ្លាស់ទៅជិតផ្សារ")]
    assert page.context.cookies() == []


def test_the_form_has_big_tap_targets_and_tells_not_to_give_personal_data(phone, live_server, service):
    phone.goto(f"{live_server.url}/en/service/{service.id}/")
    phone.locator("details.report summary").click()
    assert phone.get_by_text("Please do not write your name").is_visible()
    small = phone.evaluate("""() => [...document.querySelectorAll('.report summary, .report fieldset label, .report button, .report textarea, .report a')]
        .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
        .filter(([, r]) => r.height < 48)
        .map(([t, r]) => `${t} ${Math.round(r.height)}`)""")
    assert not small


def test_a_report_written_offline_is_sent_when_the_connection_returns(browser, phone_profile, own_server,
                                                                      reports_db, service):
    own_server.start()
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    page.goto(own_server.url + "/en/")
    page.wait_for_selector(SAVED, timeout=60_000)
    listing = f"{own_server.url}/en/service/{service.id}/"
    page.goto(listing)
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)"), "the real service worker answers"

    # The phone loses its connection, and the server dies too.
    own_server.stop()
    airplane_mode(context, True)
    page.reload()   # from the saved copy
    fill(page, "The number does not work", "rang three times, no answer")
    page.get_by_role("button", name="Send report").click()
    says(page, "Saved on this phone")
    assert page.inner_text(STATUS) == "Saved on this phone — it will be sent when you are online."
    page.reload()   # still waiting after a reload offline, and still said
    says(page, "Saved on this phone")
    assert len(page.evaluate("JSON.parse(localStorage.getItem('mitta-reports'))")) == 1
    assert stored(reports_db) == []

    # The server is back (same address, same database); then the connection returns.
    own_server.start()
    airplane_mode(context, False)
    says(page, "Sent. Thank you.")
    assert stored(reports_db) == [(service.id, "number", "rang three times, no answer")]
    assert page.evaluate("localStorage.getItem('mitta-reports')") is None

    # The server dies while the phone thinks it is online: the report waits, and the next page
    # opened once the server is back, any page, sends it.
    own_server.stop()
    page.reload()
    fill(page, "It has closed", "")
    page.get_by_role("button", name="Send report").click()
    says(page, "Saved on this phone")
    own_server.start()
    page = context.new_page()   # a fresh page: the old one saw failed requests
    page.goto(own_server.url + "/en/about/")
    page.wait_for_function("() => localStorage.getItem('mitta-reports') === null")
    assert stored(reports_db)[1:] == [(service.id, "closed", "")]
    assert context.cookies() == []
    context.close()


def test_a_report_the_server_will_never_take_is_said_and_not_kept(phone, live_server, service):
    phone.goto(f"{live_server.url}/km/service/{service.id}/")
    fill(phone, "បញ្ហាផ្សេងទៀត", "ក" * 700)   # 2,100 bytes of Khmer: too long
    phone.get_by_role("button", name="ផ្ញើរបាយការណ៍").click()
    assert phone.inner_text(STATUS) == "អត្ថបទវែងពេក។ សូមសរសេរឱ្យខ្លីជាងនេះ។"
    assert phone.evaluate("localStorage.getItem('mitta-reports')") is None
