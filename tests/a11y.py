"""axe-core, run inside the real page by axe-playwright-python."""
from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def violations(page, urls):
    """{url: [(rule, help, first targets)]} for every url with an axe violation."""
    found = {}
    for url in urls:
        page.goto(url)
        results = _axe.run(page)
        if results.violations_count:
            found[url] = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                          for v in results.response["violations"]]
    return found
