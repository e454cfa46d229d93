#!/usr/bin/env python3
"""`make bench`, first paint (issue 13): how close a cold first visit comes to the network's own
lower bound, and how fast a saved page paints offline.

Cold first visit: for each network profile, each of four kinds of page in both languages, a fresh
browser context (nothing cached, no service worker, CPU 4x slower) loads the page once; the median
of RUNS visits is shown. The lower bound is what the link alone costs: one round trip plus the
HTML's bytes at link speed, where the bytes are the navigation's Resource Timing `transferSize`
(headers plus the gzip-compressed body, as they crossed the emulated link). DevTools' network
emulation adds its latency once per request and shares its throughput between requests, so the
bound is exact for it: a page that needs nothing but its HTML paints about there, and any file the
first paint waits for costs at least one more round trip.

Offline repeat visit: per language, a phone saves its language (the real service worker), goes
offline, then opens each page again in a new tab with the CPU 4x slower (median of RUNS).
"""
import json
import os
import statistics
import sys
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from screenshots import chromium, start_server  # noqa: E402

# Issue 13's profiles: round trip in ms, throughput in kilobits per second (1 kbit = 1000 bit).
PROFILES = {"2G": (800, 280), "Slow 3G": (400, 400)}
CPU_SLOWDOWN = 4
GOAL = 1.25             # first paint at most 1.25 x the lower bound
OFFLINE_GOAL = 0.5      # seconds
RUNS = int(os.environ.get("BENCH_PAINT_RUNS", "3"))
PAGES = {
    "home": "/{locale}/",
    "province x need": "/{locale}/province/pursat/after-violence/",
    "service": "/{locale}/service/7d2b1377-12d9-434b-8605-836cb4d87e82/",
    "guide article": "/{locale}/guide/after-sexual-violence/",
}
# The live languages of content/languages.yaml (read plainly: this script runs without the app).
LOCALES = tuple(row["code"] for row in yaml.safe_load((ROOT / "content" / "languages.yaml").read_text("utf-8"))["languages"]
                if row["status"] == "live")
PHONE = dict(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True,
             user_agent="Mozilla/5.0 (Linux; Android 11; moto e20) AppleWebKit/537.36 (KHTML, like Gecko) "
                        "Chrome/126.0.0.0 Mobile Safari/537.36")
OUT = ROOT / "test-artifacts" / "bench-paint.json"

MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    fcp: fcp.startTime / 1000,
    html_end: nav.responseEnd / 1000,
    html: nav.transferSize,
    bytes: nav.transferSize + files.reduce((sum, f) => sum + f.transferSize, 0),
    requests: 1 + files.length,
    before_paint: 1 + files.filter(f => f.responseEnd <= fcp.startTime).length,
    blocking: files.filter(f => f.renderBlockingStatus === 'blocking').map(f => new URL(f.name).pathname),
  };
}"""
PAINTED = "() => performance.getEntriesByName('first-contentful-paint').length > 0"


def throttle(context, page, network=None):
    cdp = context.new_cdp_session(page)
    if network:
        rtt, kbps = network
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt, "downloadThroughput": kbps * 1000 / 8,
            "uploadThroughput": kbps * 1000 / 8})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def cold_visit(browser, url, network):
    context = browser.new_context(**PHONE, service_workers="block")
    try:
        page = context.new_page()
        throttle(context, page, network)
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_function(PAINTED, timeout=60_000)
        return page.evaluate(MEASURE)
    finally:
        context.close()


def median_visit(visits):
    """The visit with the median first paint (its bytes and requests with it)."""
    return sorted(visits, key=lambda v: v["fcp"])[len(visits) // 2]


def cold(browser, base):
    results = []
    for profile, (rtt, kbps) in PROFILES.items():
        for locale in LOCALES:
            for kind, pattern in PAGES.items():
                url = base + pattern.format(locale=locale)
                visit = median_visit([cold_visit(browser, url, (rtt, kbps)) for _ in range(RUNS)])
                bound = rtt / 1000 + visit["html"] / (kbps * 1000 / 8)
                results.append(dict(visit, profile=profile, locale=locale, page=kind, bound=bound,
                                    ratio=visit["fcp"] / bound))
    return results


def offline(browser, base):
    results = []
    for locale in LOCALES:
        context = browser.new_context(**PHONE)
        try:
            first = context.new_page()
            first.goto(f"{base}/{locale}/")
            first.wait_for_selector("#offline-status .offline-saved", timeout=300_000)
            context.set_offline(True)
            for kind, pattern in PAGES.items():
                runs = []
                for _ in range(RUNS):
                    page = context.new_page()
                    throttle(context, page)
                    page.goto(base + pattern.format(locale=locale), wait_until="load")
                    page.wait_for_function(PAINTED)
                    runs.append(page.evaluate(MEASURE)["fcp"])
                    page.close()
                results.append({"locale": locale, "page": kind, "fcp": statistics.median(runs)})
        finally:
            context.close()
    return results


def table(first, repeat):
    print(f"\nFirst paint, cold first visit, CPU {CPU_SLOWDOWN}x slower, median of {RUNS} "
          f"(bound = round trip + HTML transferSize / bandwidth; goal: ratio <= {GOAL}; "
          f"after HTML = first paint minus the HTML's last byte: the phone's own work)\n")
    head = f"{'profile':8} {'page':16} {'lang':4} {'HTML B':>7} {'bytes':>8} {'req':>4} {'blocking':>8} " \
           f"{'FCP s':>6} {'bound s':>7} {'ratio':>6} {'after HTML':>10}"
    print(head)
    print("-" * len(head))
    for r in first:
        mark = "" if r["ratio"] <= GOAL else "  over"
        print(f"{r['profile']:8} {r['page']:16} {r['locale']:4} {r['html']:>7,} {r['bytes']:>8,} {r['requests']:>4} "
              f"{len(r['blocking']):>8} {r['fcp']:>6.2f} {r['bound']:>7.2f} {r['ratio']:>6.2f} "
              f"{(r['fcp'] - r['html_end']) * 1000:>7.0f} ms{mark}")
    print(f"\nOffline repeat visit (saved by the service worker), CPU {CPU_SLOWDOWN}x slower, "
          f"median of {RUNS} (goal <= {OFFLINE_GOAL} s)\n")
    for r in repeat:
        mark = "" if r["fcp"] <= OFFLINE_GOAL else "  over"
        print(f"{r['page']:16} {r['locale']:4} {r['fcp']:>6.3f} s{mark}")


def main():
    process, base = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
            # BENCH_PAINT_ONLY=cold or =offline runs one half (for comparing one change quickly).
            only = os.environ.get("BENCH_PAINT_ONLY")
            first = cold(browser, base) if only != "offline" else []
            repeat = offline(browser, base) if only != "cold" else []
            browser.close()
    finally:
        process.kill()
        process.wait()
    table(first, repeat)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"profiles": PROFILES, "cpu_slowdown": CPU_SLOWDOWN, "runs": RUNS,
                               "cold": first, "offline_repeat": repeat}, indent=1), encoding="utf-8")
    print(f"\nWritten: {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
