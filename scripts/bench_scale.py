"""`make bench`, the directory grown: search as you type on the phone at 1x, 10x and 100x today's
services (scripts/synthetic.py), with the CPU 4x slower. The time is the page's own: from the
keystroke's input event to the results drawn (search.js answers synchronously), median of the
queries below, once every index document has arrived."""
import statistics
import time

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
