#!/usr/bin/env python3
"""`make bench`: Mitta on a slow phone and a slow network, in numbers.

For each network profile (Chrome DevTools' "Regular 3G" and "Regular 2G" presets) with the CPU
slowed 4x (a cheap Android phone), in a fresh browser profile:
  1. cold first visit to /km/: first contentful paint, and when the emergency numbers are visible;
  2. the offline pack saving in the background: bytes the page and the service worker received;
  3. the server stopped, a repeat visit to /km/ with a cold service worker: first paint and
     emergency numbers, from the phone; and the time to decompress and parse one part.
Then one side-by-side table. The service worker's own downloads are not throttled by DevTools
(it is another target), so "pack saved after" is a lower bound; the bytes are exact.

Then the directory at 1x, 10x and 100x today's services (scripts/synthetic.py), each on its own
server, a fresh phone with the CPU 4x slower and no network throttling: the pack's build time,
the whole first visit's transfer, the bytes the phone stores (the caches' bodies), and the
largest single JSON the phone parses (a part of the pack, or a search index document), and
search as you type (scripts/bench_scale.py).
"""
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import chromium, start_server  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from counting_proxy import CountingProxy  # noqa: E402
import bench_paint  # noqa: E402
import bench_serve  # noqa: E402

# DevTools presets: latency in ms, throughput in bytes per second.
PROFILES = {
    "Regular 3G": {"latency": 100, "downloadThroughput": 750 * 1024 / 8, "uploadThroughput": 250 * 1024 / 8},
    "Regular 2G": {"latency": 300, "downloadThroughput": 250 * 1024 / 8, "uploadThroughput": 50 * 1024 / 8},
}
CPU_SLOWDOWN = 4
EMERGENCY = "main a[href^='tel:']"  # the first call button of the emergency card
PHONE = dict(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True,
             user_agent="Mozilla/5.0 (Linux; Android 11; moto e20) AppleWebKit/537.36 (KHTML, like Gecko) "
                        "Chrome/126.0.0.0 Mobile Safari/537.36")


def visit(page, url, proxy=None):
    """Seconds to first contentful paint and to the emergency numbers being on screen, and the
    bytes received by the time the page has loaded."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(EMERGENCY, state="visible", timeout=120_000)
    visible = time.perf_counter() - started
    page.wait_for_load_state("load")
    loaded = proxy.received if proxy else None
    fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0")
    return fcp / 1000, visible, loaded


def run(browser, profile):
    process, url = start_server()
    port = int(url.rsplit(":", 1)[1])
    proxy = CountingProxy(port)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", dict(offline=False, **profile))
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    result = {}
    try:
        started = time.perf_counter()
        result["first_fcp"], result["first_emergency"], result["first_page_bytes"] = visit(
            page, proxy.url + "/km/", proxy)
        page.wait_for_selector("#offline-status .offline-saved", timeout=300_000)
        result["saved_after"] = time.perf_counter() - started
        result["saved_text"] = page.inner_text("#offline-status .offline-saved")
        time.sleep(0.5)
        result["total_bytes"] = proxy.received
    finally:
        process.kill()
        process.wait()
    # Airplane mode: the server is gone and the network says so.
    cdp.send("Network.emulateNetworkConditions", dict(profile, offline=True))
    repeat = context.new_page()
    cdp2 = context.new_cdp_session(repeat)
    cdp2.send("Network.enable")
    cdp2.send("Network.emulateNetworkConditions", dict(profile, offline=True))
    cdp2.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    runs = []
    for _ in range(3):
        # A cold worker each time (as after the phone has been idle): it reads the completion
        # markers and decompresses and parses the part that holds the page. Its own CPU is not
        # slowed by DevTools, so PART_DECODE below times the same work in the slowed page.
        cdp2.send("ServiceWorker.enable")
        cdp2.send("ServiceWorker.stopAllWorkers")
        runs.append(visit(repeat, proxy.url + "/km/"))
    result["offline_fcp"], result["offline_emergency"], _ = sorted(runs)[1]  # the median of three
    result["part_decode"] = repeat.evaluate(PART_DECODE)
    context.close()
    proxy.listener.close()
    return result


# The worker's work for a page from a part it has not opened yet: the largest part read from the
# cache, decompressed and parsed, in milliseconds (median of 3), here in the slowed page.
PART_DECODE = """async () => {
  const times = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    let largest = null;
    for (const request of await cache.keys()) {
      if (!request.url.includes('/offline-pack/')) continue;
      const size = (await (await cache.match(request)).blob()).size;
      if (!largest || size > largest.size) largest = {request, size};
    }
    for (let i = 0; largest && i < 3; i++) {
      const started = performance.now();
      const hit = await cache.match(largest.request);
      const pages = JSON.parse(await new Response(hit.body.pipeThrough(new DecompressionStream('gzip'))).text());
      if (Object.keys(pages).length) times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] || 0;
}"""


STORED = """async () => {
  let bytes = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (!new URL(request.url).pathname.startsWith('/__mitta/')) bytes += (await (await cache.match(request)).blob()).size;
    }
  }
  return bytes;
}"""


def scale(browser, factor, tmp):
    from synthetic import make
    from server import create_app, offline
    from bench_scale import search_latency
    content = make(factor, Path(tmp) / f"content-{factor}x")
    app = create_app({"CONTENT_DIR": str(content)})
    started = time.perf_counter()
    with app.app_context():
        pack = offline.pack()
    build = time.perf_counter() - started
    largest = max([len(p.body) for p in pack.all_parts()] +
                  [len(page.body) for path, page in pack.pages.items() if path.endswith(".json")])
    search_ms, search_worst, documents = search_latency(browser, content, PHONE, CPU_SLOWDOWN)
    process, url = start_server(env={"MITTA_CONTENT_DIR": str(content)}, wait=600)
    proxy = CountingProxy(int(url.rsplit(":", 1)[1]))
    context = browser.new_context(**PHONE)
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        started = time.perf_counter()
        page.goto(proxy.url + "/km/")
        page.wait_for_selector("#offline-status .offline-saved, #offline-status .offline-failed", timeout=900_000)
        saved_after = time.perf_counter() - started
        status = page.inner_text("#offline-status")
        time.sleep(0.5)
        return {"build": build, "transfer": proxy.received, "stored": page.evaluate(STORED),
                "largest": largest, "saved_after": saved_after, "status": status.splitlines()[0],
                "search": search_ms, "search_worst": search_worst, "documents": documents}
    finally:
        context.close()
        proxy.close()
        process.kill()
        process.wait()


def scale_table(browser, factors=(1, 10, 100)):
    with tempfile.TemporaryDirectory() as tmp:
        results = {f: scale(browser, f, tmp) for f in factors}
    print(f"\nThe directory grown (scripts/synthetic.py), Khmer, CPU {CPU_SLOWDOWN}x slower, no network throttling\n")
    print(f"{'':34}" + "".join(f"{str(f) + 'x':>14}" for f in factors))
    for label, key, fmt in (("pack build time (server)", "build", "{:.1f} s"),
                            ("first visit incl. pack, transfer", "transfer", "{:,.0f} B"),
                            ("stored on the phone", "stored", "{:,.0f} B"),
                            ("largest single JSON parsed", "largest", "{:,.0f} B"),
                            ("saved after (SW unthrottled)", "saved_after", "{:.1f} s"),
                            ("search index documents", "documents", "{}"),
                            ("search per keystroke (median)", "search", "{:.1f} ms"),
                            ("search per keystroke (slowest)", "search_worst", "{:.1f} ms")):
        print(f"{label:34}" + "".join(f"{fmt.format(results[f][key]):>14}" for f in factors))
    for f in factors:
        print(f"Status at {f}x: {results[f]['status']}")
    print(f"Budgets at 10x: first visit {results.get(10, {}).get('transfer', 0) / 1024:.0f} KB of 400 KB; "
          f"largest JSON {results.get(10, {}).get('largest', 0) / 1024:.0f} KB of 1024 KB. "
          f"Search at 100x: {results.get(100, {}).get('search', 0):.1f} ms of 50 ms.")


def main():
    factors = tuple(int(f) for f in os.environ.get("BENCH_SCALES", "1,10,100").split(","))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        results = {name: run(browser, profile) for name, profile in PROFILES.items()}
        browser.close()
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        scale_table(browser, factors)
        browser.close()
    rows = [
        ("Online, cold first visit: first paint", "first_fcp", "{:.2f} s"),
        ("Online, cold first visit: emergency numbers visible", "first_emergency", "{:.2f} s"),
        ("Online, first page and its files (at load)", "first_page_bytes", "{:,.0f} B"),
        ("Online, offline pack saved (SW unthrottled)", "saved_after", "{:.2f} s"),
        ("Online, whole first visit incl. pack (compressed)", "total_bytes", "{:,.0f} B"),
        ("Offline repeat visit: first paint (median of 3)", "offline_fcp", "{:.3f} s"),
        ("Offline repeat visit: emergency numbers visible", "offline_emergency", "{:.3f} s"),
        ("Offline: a 256 KB part decompressed + parsed", "part_decode", "{:.0f} ms"),
    ]
    names = list(PROFILES)
    width = max(len(r[0]) for r in rows)
    print(f"\nMitta /km/, CPU {CPU_SLOWDOWN}x slower, fresh profile\n")
    print(f"{'':{width}}  " + "  ".join(f"{n:>14}" for n in names))
    for label, key, fmt in rows:
        print(f"{label:{width}}  " + "  ".join(f"{fmt.format(results[n][key]):>14}" for n in names))
    for n in names:
        print(f"Status shown on the phone ({n}): {results[n]['saved_text']}")
    budget = max(results[n]["total_bytes"] for n in names)
    print(f"\nBudget: whole first visit {budget / 1024:.0f} KB of 400 KB.")
    bench_serve.main()  # waitress against nginx serving the static export, side by side
    bench_paint.main()


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    main()
