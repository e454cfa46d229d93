"""Every case in tests/cases/ against the phone's real JavaScript (static/js/search.js and
static/js/directory.js as the live server serves them, in Chromium): the same table the Python
runs against, so the phone and the server cannot drift."""
import pytest

from shared_cases import cases, content_cases, content_problems, search_index

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


@pytest.fixture(scope="module")
def shipped_index(search_page):
    """The index the search page ships, in both languages, fetched and joined as search.js joins
    it (the same documents, another language's path)."""
    return search_page.evaluate("""async () => {
      const urls = document.querySelector("[data-search-results]").getAttribute("data-index").split(" ");
      const index = {};
      for (const locale of ["km", "en"]) {
        const docs = await Promise.all(urls.map(u => fetch(u.replace(/^\\/km\\//, "/" + locale + "/")).then(r => r.json())));
        index[locale] = [].concat(...docs);
      }
      return index;
    }""")


@pytest.mark.parametrize("locale,query,what", content_cases())
def test_the_phone_finds_needs_and_countries_by_their_romanised_spellings(search_page, shipped_index, locale, query, what):
    urls = search_page.evaluate("([index, q]) => MittaSearch.search(index, q).map(d => d.url)",
                                [shipped_index[locale], query])
    assert content_problems(locale, what, urls) == []
