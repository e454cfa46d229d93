"""The offline pack's sizes as the directory grows: per language and multiple of today's services
(scripts/synthetic.py), the bytes a first visit costs on the link (brotli, as the server sends
it to every browser Mitta serves) and the largest JSON document a phone parses at once (a part, a
saved JSON document such as a search index shard, or the worker's configuration).

`python scripts/pack_sizes.py [1,10,100]` prints the table; tests/test_offline_pack.py holds the
budgets (400 KB first visit, 256 KB largest JSON) at 10x with `measure`: building the pack at 100x
takes minutes, so 100x is measured here, by `make bench`."""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

BROTLI = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def measure(client) -> dict:
    """{locale: {"first": bytes on the link, "largest": (url, bytes)}} for one app's test client."""
    import json
    from server.i18n import locales
    from server.sitemap import page_urls
    source = client.get("/sw-pack.js").get_data(as_text=True)
    pack = json.loads(source.removeprefix("self.PACK = ").rstrip().removesuffix(";"))
    sent = lambda url: len(client.get(url, headers=BROTLI).get_data())  # noqa: E731
    found = {}
    for locale in locales(client.application):
        # The page that starts the save, the worker, its modules and configuration, what it saves
        # first, and the words the page shows while it saves.
        first = [f"/{locale}/", "/sw.js", "/sw-pack.js", f"/{locale}/offline/messages.json",
                 *pack.get("modules", []), *(url for url, _, _ in pack["locales"][locale]), *pack["files"]]
        parsed = {url: len(client.get(url).get_data()) for url, _, _ in
                  pack["locales"][locale] + [p for ps in pack["provinces"].get(locale, {}).values() for p in ps]}
        with client.application.test_request_context():
            parsed |= {p: len(client.get(p).get_data()) for p in page_urls(locale) if p.endswith(".json")}
        parsed["/sw-pack.js"] = len(source.encode())
        largest = max(parsed, key=parsed.get)
        found[locale] = {"first": sum(sent(url) for url in first), "largest": (largest, parsed[largest])}
    return found


def grown_client(factor, folder):
    from synthetic import make
    from server import create_app
    import datetime as dt
    content_dir = make(factor, Path(folder) / "content") if factor > 1 else ROOT / "content"
    clock = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return create_app({"TESTING": True, "CONTENT_DIR": str(content_dir), "CLOCK": lambda: clock}).test_client()


def main(factors):
    import logging
    logging.disable(logging.INFO)  # one access line per request measured
    print(f"{'x':>4} {'lang':<5} {'first visit':>12} {'largest JSON':>13}  document")
    for factor in factors:
        with tempfile.TemporaryDirectory() as folder:
            for locale, sizes in measure(grown_client(factor, folder)).items():
                url, size = sizes["largest"]
                print(f"{factor:>4} {locale:<5} {sizes['first']:>10,} B {size:>11,} B  {url}", flush=True)


if __name__ == "__main__":
    main([int(f) for f in (sys.argv[1] if len(sys.argv) > 1 else "1,10,100").split(",")])
