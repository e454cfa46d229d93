"""Checks that several browser tests make on a phone, written once."""

# What the phone has saved for offline use, asked of the real service worker's caches from inside
# the page: the pages a complete copy's completion marker lists (they are stored inside their
# part) and every file stored on its own.
SAVED_PATHS = """async () => {
    const paths = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        const done = await cache.match('/__mitta/done');
        if (done) paths.push(...Object.keys((await done.json()).pages || {}));
        for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
}"""

# Until the phone has saved `path` (a condition asked from inside the page, not a fixed wait).
_CACHED = """async ([path, ms]) => {
    const saved = """ + SAVED_PATHS + """;
    const end = Date.now() + ms;
    while (!(await saved()).includes(path)) {
        if (Date.now() > end) return false;
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    return true;
}"""


def wait_until_cached(page, path, timeout_ms=30_000):
    assert page.evaluate(_CACHED, [path, timeout_ms]), f"the service worker did not save {path}"


def is_saved(page, path):
    return path in page.evaluate(SAVED_PATHS)


# Every link, button and field a person can see, with its size; links inside an article's
# sentences are inline text, which WCAG exempts. A radio or checkbox inside its label is tapped
# anywhere on the label, so the label is its target.
_SMALL = """() => [...document.querySelectorAll('a, button, input, select, summary')]
    .filter(e => e.offsetParent && !e.classList.contains('skip-link') && !e.closest('.guide-body'))
    .map(e => /^(radio|checkbox)$/.test(e.type) && e.closest('label') ? e.closest('label') : e)
    .map(e => [e.textContent.trim().slice(0, 50), e.getBoundingClientRect()])
    .filter(([, r]) => r.width < 48 || r.height < 48)
    .map(([t, r]) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def assert_readable_at_320_px(page, url):
    """`url` on a 320 px-wide page: nothing scrolls sideways, and every tap target is 48 px."""
    page.goto(url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
    small = page.evaluate(_SMALL)
    assert not small, f"{url}: tap targets under 48px: {small}"
