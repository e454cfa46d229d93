"""`make bench`, the directory grown: search as you type on the phone at 1x, 10x and 100x today's
services (scripts/synthetic.py), with the CPU 4x slower. The time is the page's own: from the
keystroke's input event to the results drawn (search.js answers synchronously), median of the
queries below, once every index document has arrived.

Run alone (`python scripts/bench_scale.py [1,10,100]`) it prints `make bench`'s table of the grown
directory (scripts/bench.py) without the network profiles before it, then the largest share-texts
document per scale."""
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from screenshots import start_server

QUERIES = ("Pursat", "ពោធិ៍សាត់", "legal aid", "1280", "ក្រចេះ", "hiv")
TYPE = """async (query) => {
  const input = document.querySelector('input[name=q]');
  const out = document.querySelector('[data-search-results]');
  input.value = query;
  const started = performance.now();
  input.dispatchEvent(new Event('input'));
  const ms = performance.now() - started;
  return out.children.length ? ms : null;
}"""


def search_latency(browser, content_dir, phone, slowdown):
    """Milliseconds per keystroke's search (median over QUERIES) and the index's document count."""
    process, url = start_server(env={"MITTA_CONTENT_DIR": str(content_dir)} if content_dir else None, wait=600)
    context = browser.new_context(**phone)
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    try:
        page.goto(url + "/km/search")
        documents = len(page.get_attribute("[data-search-results]", "data-index").split(" "))
        # Ready once every document has answered: typing then draws results.
        end = time.time() + 120
        while page.evaluate(TYPE, QUERIES[0]) is None:
            if time.time() > end:
                raise TimeoutError("the search index did not load")
            page.wait_for_timeout(100)
        times = [page.evaluate(TYPE, q) for q in QUERIES for _ in range(3)]
        return statistics.median(t for t in times if t is not None), max(t for t in times if t is not None), documents
    finally:
        context.close()
        process.kill()
        process.wait()


def largest_share_texts(factors):
    """Bytes of the largest share-texts document (both languages) per scale, as the server sends it."""
    from synthetic import make
    from server import create_app
    from server.content.languages import table_codes
    from server.paths import CONTENT_DIR
    from server.sitemap import page_urls
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for factor in factors:
            app = create_app({"CONTENT_DIR": str(make(factor, Path(tmp) / f"content-{factor}x"))})
            logging.getLogger("mitta.access").disabled = True   # these requests are ours, not a reader's
            client = app.test_client()
            with app.test_request_context():
                urls = [u for locale in table_codes(CONTENT_DIR) for u in page_urls(locale) if "/share-texts" in u]
            sizes = {u: len(client.get(u).get_data()) for u in urls}
            found[factor] = max(sizes.items(), key=lambda item: item[1]) + (len(sizes),)
    return found


def main():
    from playwright.sync_api import sync_playwright
    import bench
    from screenshots import chromium
    factors = tuple(int(f) for f in (sys.argv[1] if len(sys.argv) > 1 else "1,10,100").split(","))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        bench.scale_table(browser, factors)
        browser.close()
    for factor, (url, size, count) in largest_share_texts(factors).items():
        print(f"Share texts at {factor}x: {count} documents, the largest {url} {size:,} B")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
