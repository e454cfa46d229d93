"""Bad input against the real server (waitress), byte for byte: oversized, malformed, hostile.

Each request answers a clear 4xx page in the visitor's language, with our headers; never a 500,
never the input written back into the page, and nothing of it that could forge a log line.
Raw sockets, because no HTTP client will send NUL or broken UTF-8 on purpose.
"""
import socket

import pytest

PROBE = b"zqprobe"  # in every hostile input; must never come back in a page
HEADINGS = {
    "en": ("That did not work", "Page not found"),
    "km": ("មិនដំណើរការទេ", "រកទំព័រមិនឃើញ"),
}


def send(server, raw, timeout=10):
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(raw)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def request(method, target, locale, body=b"", extra=b""):
    head = (method.encode() + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Accept-Language: " + locale.encode() + b"\r\nConnection: close\r\n" + extra)
    if body:
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body


TEN_KB = b"a" * 10240
HUNDRED_KB = PROBE + b"x" * 102400
CASES = [
    # name, raw request, expected status, language of the page
    ("10 KB query", request("GET", b"/en/?q=" + PROBE + TEN_KB, "en"), 414, "en"),
    ("10 KB search", request("GET", b"/km/search?q=" + PROBE + TEN_KB, "km"), 414, "km"),
    ("NUL in path", request("GET", b"/en/\x00" + PROBE + b"/", "en"), 400, "en"),
    ("NUL in path, encoded", request("GET", b"/km/%00" + PROBE + b"/", "km"), 400, "km"),
    ("NUL in query", request("GET", b"/en/about/?q=\x00" + PROBE, "en"), 400, "en"),
    ("NUL in query, encoded", request("GET", b"/km/about/?q=%00" + PROBE, "km"), 400, "km"),
    ("bad UTF-8 in path", request("GET", b"/en/\xff\xfe" + PROBE + b"/", "en"), 400, "en"),
    ("bad UTF-8 in path, encoded", request("GET", b"/km/%ff%fe" + PROBE + b"/", "km"), 400, "km"),
    ("bad UTF-8 in query", request("GET", b"/km/?q=\xc3\x28" + PROBE, "km"), 400, "km"),
    ("bad UTF-8 in query, encoded", request("GET", b"/en/search?q=%c3%28" + PROBE, "en"), 400, "en"),
    ("line break in path", request("GET", b"/en/%0aFORGED%20" + PROBE + b"/", "en"), 400, "en"),
    ("markup in path", request("GET", b"/en/<script>" + PROBE + b"</script>/", "en"), 404, "en"),
    ("traversal", request("GET", b"/static/../server/__init__.py?" + PROBE, "en"), 404, "en"),
    ("traversal deep", request("GET", b"/static/../../../../etc/passwd", "km"), 404, "km"),
    ("traversal %2e%2e%2f", request("GET", b"/static/%2e%2e%2f%2e%2e%2fserver%2f__init__.py", "en"), 404, "en"),
    ("traversal ..%2f", request("GET", b"/static/..%2f..%2f..%2fetc%2fpasswd", "km"), 404, "km"),
    ("traversal in a page", request("GET", b"/en/%2e%2e/%2e%2e/etc/passwd", "en"), 404, "en"),
    ("unknown locale", request("GET", b"/xx/about/", "km"), 404, "km"),
    ("unknown locale, English reader", request("GET", b"/" + PROBE + b"/about/", "en"), 404, "en"),
    ("path wins over Accept-Language", request("GET", b"/km/no-such-" + PROBE + b"/", "en"), 404, "km"),
    ("unknown service id", request("GET", b"/en/service/not-a-uuid/", "en"), 404, "en"),
    ("unknown service uuid", request("GET", b"/km/service/00000000-0000-0000-0000-000000000000/", "km"), 404, "km"),
    ("unknown province", request("GET", b"/en/province/" + PROBE + b"/", "en"), 404, "en"),
    ("unknown category", request("GET", b"/km/category/" + PROBE + b"/", "km"), 404, "km"),
    ("unknown article", request("GET", b"/en/guide/" + PROBE + b"/", "en"), 404, "en"),
    ("POST to a page", request("POST", b"/en/about/", "en", body=b"q=" + PROBE), 405, "en"),
    ("PUT", request("PUT", b"/km/", "km", body=PROBE), 405, "km"),
    ("DELETE", request("DELETE", b"/en/safety/", "en"), 405, "en"),
    ("PATCH", request("PATCH", b"/km/safety/remove/", "km", body=PROBE), 405, "km"),
    ("made-up method", request("PROBE", b"/en/", "en"), 405, "en"),
    ("100 KB body", request("POST", b"/en/about/", "en", body=HUNDRED_KB), 413, "en"),
    ("100 KB body to a form", request("POST", b"/km/safety/remove/", "km", body=HUNDRED_KB), 413, "km"),
    ("100 KB chunked body", request("POST", b"/en/safety/remove/", "en",
                                    extra=b"Transfer-Encoding: chunked\r\n",
                                    body=b"") + b"%x\r\n" % len(HUNDRED_KB) + HUNDRED_KB + b"\r\n0\r\n\r\n",
     413, "en"),
    # Refused by waitress itself before the app sees them: still our page, in their language.
    ("bad Content-Length", request("POST", b"/en/about/", "en", extra=b"Content-Length: " + PROBE + b"\r\n"),
     400, "en"),
    ("garbage start line", b"\x00\x01" + PROBE + b"\r\nAccept-Language: km\r\n\r\n", 400, "km"),
    ("no Accept-Language: Khmer", b"GET /\xff" + PROBE + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, "km"),
]


@pytest.mark.parametrize("name,raw,expected,locale", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_4xx_page_in_the_users_language(live_server, name, raw, expected, locale):
    status, headers, body = send(live_server, raw)
    assert status == expected, (name, status, body[:200])
    assert headers["content-type"] == "text/html; charset=utf-8"
    html = body.decode("utf-8")
    assert f'<html lang="{locale}"' in html
    assert any(f"<h1>{h}</h1>" in html for h in HEADINGS[locale]), html[:2000]
    # Nothing the visitor sent comes back: not as markup, not escaped, not in a link.
    assert PROBE.decode() not in html.lower()
    assert "create_app" not in html and "root:x:0:0" not in html  # no traceback, no /etc/passwd
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in headers
    assert "waitress" not in html.lower() and "traceback" not in html.lower()


def test_bad_input_leaves_no_query_and_no_forged_line_in_the_log(live_server):
    for name, raw, _, _ in CASES:
        send(live_server, raw)
    log = live_server.log_text()
    assert "(malformed request) 400" in log  # waitress's refusals are logged too…
    lines = log.splitlines()
    # …and every line is one of ours or waitress's own: the encoded line break stayed escaped.
    assert not [line for line in lines if line.startswith("FORGED")]
    assert "/en/\\nFORGED" in log
    for line in lines:
        if "?" in line or "q=" in line:
            assert PROBE.decode() not in line, line  # a query string was logged
    assert "Traceback" not in log and " 500 " not in log
