"""Crawl the site the way a person would: every same-origin link from the home pages."""
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def links(html):
    parser = _Links()
    parser.feed(html)
    return parser.links


def crawl(client, starts=("/km/", "/en/")):
    """Map every page reachable from `starts` to its response. Only our own pages, no files."""
    seen, queue = {}, list(starts)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        for href in links(response.get_data(as_text=True)):
            parts = urlsplit(urldefrag(href).url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # tel:, sms:, geo:, other sites
            if parts.path.startswith("/static/"):
                continue
            target = parts.path + ("?" + parts.query if parts.query else "")
            if target not in seen:
                queue.append(target)
    return seen
