#!/usr/bin/env python3
"""`make bench`: Mitta on a slow phone and a slow network, in numbers.

For each network profile (Chrome DevTools' "Regular 3G" and "Regular 2G" presets) with the CPU
slowed 4x (a cheap Android phone), in a fresh browser profile:
  1. cold first visit to /km/: first contentful paint, and when the emergency numbers are visible;
  2. the offline pack saving in the background: bytes the page and the service worker received;
  3. the server stopped, a repeat visit to /km/: first paint and emergency numbers, from the phone.
Then one side-by-side table. The service worker's own downloads are not throttled by DevTools
(it is another target), so "pack saved after" is a lower bound; the bytes are exact.
"""
import os
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import chromium, start_server  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from counting_proxy import CountingProxy  # noqa: E402

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
    runs = sorted(visit(repeat, proxy.url + "/km/") for _ in range(3))
    result["offline_fcp"], result["offline_emergency"], _ = runs[1]  # the median of three
    context.close()
    proxy.listener.close()
    return result


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        results = {name: run(browser, profile) for name, profile in PROFILES.items()}
        browser.close()
    rows = [
        ("Online, cold first visit: first paint", "first_fcp", "{:.2f} s"),
        ("Online, cold first visit: emergency numbers visible", "first_emergency", "{:.2f} s"),
        ("Online, first page and its files (at load)", "first_page_bytes", "{:,.0f} B"),
        ("Online, offline pack saved (SW unthrottled)", "saved_after", "{:.2f} s"),
        ("Online, whole first visit incl. pack (compressed)", "total_bytes", "{:,.0f} B"),
        ("Offline repeat visit: first paint (median of 3)", "offline_fcp", "{:.3f} s"),
        ("Offline repeat visit: emergency numbers visible", "offline_emergency", "{:.3f} s"),
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


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    main()
