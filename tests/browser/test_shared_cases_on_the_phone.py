"""Every case in tests/cases/ against the phone's real JavaScript (static/js/search.js and
static/js/directory.js as the live server serves them, in Chromium): the same table the Python
runs against, so the phone and the server cannot drift."""
import pytest

from shared_cases import cases, search_index

pytestmark = pytest.mark.browser

RUN = """([kind, args, index]) => {
  switch (kind) {
    case "normalize": return MittaSearch.normalize(args[0]);
    case "search": return MittaSearch.search(index, args[0]).map(d => d.title);
    case "open_now": return MittaDirectory.isOpen(args[0], Date.parse(args[1]));
    case "checked": return MittaDirectory.checkStatus(args[0], Date.parse(args[1]));
    case "alert": return MittaDirectory.alertShows(args[0], args[1], Date.parse(args[2]));
  }
  throw new Error(kind);
}"""


@pytest.fixture(scope="module")
def search_page(browser, live_server):
    # The search page loads both files, and carries the server's spelling-variants table.
    context = browser.new_context(timezone_id="Europe/London")
    page = context.new_page()
    page.goto(live_server.url + "/km/search")
    page.wait_for_function("typeof MittaSearch === 'object' && typeof MittaDirectory === 'object'")
    yield page
    context.close()


@pytest.mark.parametrize("kind,args,expected", cases())
def test_the_phone_agrees_with_the_table(search_page, kind, args, expected):
    assert search_page.evaluate(RUN, [kind, args, search_index()]) == expected
