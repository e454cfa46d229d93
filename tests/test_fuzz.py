"""Property-based tests (Hypothesis) over every registered route: whatever a client sends (path,
query keys and values, headers, method), the answer is never a 5xx, never carries the input as
markup, leaves the cached page as it was, and writes one access line in its fixed format without
the query. `make test` runs a short bounded search; `make fuzz` a long one that prints how many
cases it tried (--hypothesis-show-statistics)."""
import gzip
import logging
import re
from urllib.parse import quote_from_bytes

import brotli
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import make_app
from routes import FLASK_ARGS, HOSTILE_HEADERS, KEPT, examples, route_arguments

APP = make_app()  # one app for the whole search: its cache is what a hostile request could poison
CLIENT = APP.test_client()
CLEAN = make_app().test_client()  # the same pages, never sent anything hostile
EXAMPLES = examples(APP)
URLS = sorted(url for found in EXAMPLES.values() for url in found)
MARK = b"<zq-"  # every markup-shaped input starts with it; it must never come back raw

# The access line: method, path, status, size, time; nothing else, nothing with a space in it.
LOG_LINE = re.compile(r"\S{1,80} /\S* \d{3} (\d+|-)B \d+ms")


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


ACCESS = Lines()
logging.getLogger("mitta.access").addHandler(ACCESS)

NASTY = [
    b"", b"\x00", b"a\x00b", b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"%00", b"%ff%fe", b"%",
    b"a" * 10240, b"\xe1\x9e\x96" * 300, b"<zq-x>\"'", b"<zq-script>alert(1)</zq-script>",
    b"javascript:alert(1)", b"//evil.example/", b"https://evil.example", b"../../../etc/passwd",
    b"..%2f..%2fetc", b"\r\nX-Injected: 1", b"1", b"-1", b"99999999999999999999", b"[]", b"{}", b"null",
    b"00000000-0000-0000-0000-000000000000", b"pursat", b"km", b"en", b"POST", b"\t", b" ",
]
values = st.one_of(st.sampled_from(NASTY), st.binary(max_size=40),
                   st.text(max_size=40).map(lambda t: t.encode("utf-8")))
keys = st.one_of(st.sampled_from(route_arguments(APP) + FLASK_ARGS + ["q", "v", "version", "note"]).map(str.encode),
                 values)


def encoded(raw, percent):
    return quote_from_bytes(raw, safe="").encode() if percent else raw


@st.composite
def queries(draw):
    """Repeated keys, route argument names and Flask's url_for keywords, raw or percent-encoded."""
    pairs = draw(st.lists(st.tuples(keys, values, st.booleans()), max_size=6))
    if pairs and draw(st.booleans()):
        pairs.append(pairs[0])  # a repeated key
    return b"&".join(encoded(k, p) + b"=" + encoded(v, p) for k, v, p in pairs)


METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "PROBE",
           "get", "M-SEARCH"]
ALLOWED = {rule.endpoint: sorted(rule.methods) for rule in APP.url_map.iter_rules()}


@st.composite
def targets(draw):
    """(method, path): a page of any route (each route as likely as any other) with one of the
    methods it takes or any other; that page with one segment replaced; or anything at all."""
    endpoint = draw(st.sampled_from(sorted(EXAMPLES)))
    url = draw(st.sampled_from(EXAMPLES[endpoint])).partition("?")[0]
    method = draw(st.one_of(st.sampled_from(ALLOWED[endpoint]), st.sampled_from(METHODS)))
    kind = draw(st.sampled_from(["page", "page", "segment", "any"]))
    if kind == "page":
        return method, url.encode()
    if kind == "segment":
        parts = url.encode().split(b"/")
        parts[draw(st.integers(1, max(1, len(parts) - 1)))] = draw(values)
        return method, b"/".join(parts)
    return method, b"/" + draw(values)


latin1 = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)
headers = st.dictionaries(
    st.sampled_from(sorted(HOSTILE_HEADERS) + ["Accept-Language", "Accept-Encoding", "If-None-Match",
                                              "Content-Type", "Range", "Sec-Fetch-Site", "Origin"]),
    st.one_of(st.sampled_from(list(HOSTILE_HEADERS.values()) + [
        "", "*", "en;q=x", "km-KH,en;q=0.5", ";;;,,,", "x" * 5000, "a=" + "b" * 20000,
        "; ".join(f"c{i}=v" for i in range(500)), "gzip, deflate, br", "bytes=0-10", "W/\"x\"",
        "evil.example:99999", "[::1]", "http://[", "//evil.example", "null", "<zq-x>"]), latin1),
    max_size=6)


def environ(path, query, sent):
    # As a WSGI server hands them over: PATH_INFO percent-decoded, both as latin-1 text.
    overrides = {"PATH_INFO": path.decode("latin-1"), "QUERY_STRING": query.decode("latin-1")}
    for name, value in sent.items():
        key = name.upper().replace("-", "_")
        overrides[key if key in ("CONTENT_TYPE",) else "HTTP_" + key] = value
    return overrides


def clean_answer(url):
    response = CLEAN.get(url)
    return response.status_code, response.get_data()


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(target=targets(), query=queries(), sent=headers, body=st.binary(max_size=64))
def test_no_input_gets_a_5xx_is_reflected_or_poisons_a_page(target, query, sent, body):
    method, path = target
    ACCESS.lines.clear()
    response = CLIENT.open("/", method=method, data=body, environ_overrides=environ(path, query, sent))
    status, answer = response.status_code, response.get_data()
    assert status < 500, (status, path, query, sent, method)
    assert MARK not in answer.lower(), "input came back as markup"
    assert "Set-Cookie" not in response.headers

    # One access line, in its fixed format, never with the query.
    assert len(ACCESS.lines) == 1 and LOG_LINE.fullmatch(ACCESS.lines[0]), ACCESS.lines
    if query and query not in path:
        assert query.decode("latin-1") not in ACCESS.lines[0]

    page = path.decode("latin-1")
    if page in URLS and method == "GET" and status == 200 and "Range" not in sent:
        kept = KEPT.get(APP.url_map.bind("localhost").match(page)[0])
        if not kept and "Accept-Language" not in response.vary:
            # The route alone decides the bytes: the hostile request got the clean page…
            assert decoded(response) == clean_answer(page)[1]
    if page in URLS:
        # …and the page everybody else gets is still the clean one.
        again = CLIENT.get(page)
        assert (again.status_code, again.get_data()) == clean_answer(page)


def decoded(response):
    body = response.get_data()
    coding = response.headers.get("Content-Encoding")
    return gzip.decompress(body) if coding == "gzip" else brotli.decompress(body) if coding == "br" else body


FORMS = [url for endpoint, found in sorted(EXAMPLES.items()) if "POST" in ALLOWED[endpoint] for url in found]
origins = st.one_of(st.sampled_from(["null", "http://localhost", "http://[", "https://evil.example", ""]),
                    st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(["http://", "https://", "//", ""]),
                              latin1))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(url=st.sampled_from(FORMS), origin=st.one_of(st.none(), origins),
       site=st.one_of(st.none(), st.sampled_from(["same-origin", "same-site", "cross-site", "none"]), latin1))
def test_a_form_post_from_anywhere_is_answered_or_refused_never_a_5xx(url, origin, site):
    """What decides whether a POST came from our own pages (Origin, Sec-Fetch-Site) may be anything."""
    sent = {name: value for name, value in (("Origin", origin), ("Sec-Fetch-Site", site)) if value is not None}
    response = CLIENT.open(url, method="POST", environ_overrides=environ(url.encode(), b"", sent))
    assert response.status_code in (303, 403), (response.status_code, sent)
    assert ("Clear-Site-Data" in response.headers) == (response.status_code == 303)
