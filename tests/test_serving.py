"""How the bytes travel: static files immutable at their hashed URLs, text in brotli where the
client accepts it, gzip otherwise, as it is for a client that asks for neither; each body
compressed once. And HSTS only on an answer that really went over HTTPS."""
import gzip

import brotli
import pytest

from server import compress

BR = {"Accept-Encoding": "gzip, deflate, br"}
GZ = {"Accept-Encoding": "gzip, deflate"}
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.mark.parametrize("name", ["css/app.css", "js/offline.js", "icons/favicon.ico"])
def test_a_hashed_static_file_is_immutable_and_brotli_decodes_to_its_exact_bytes(client, name):
    asset = client.application.extensions["assets"].by_name[name]
    url = asset.url
    assert asset.digest[:10] in url

    br = client.get(url, headers=BR)
    assert br.status_code == 200
    assert br.headers["Content-Encoding"] == "br"
    assert br.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in br.vary
    assert brotli.decompress(br.get_data()) == asset.body
    assert int(br.headers["Content-Length"]) == len(br.get_data()) < len(asset.body)
    # Compressed at start-up: the answer is the copy made then.
    assert br.get_data() == asset.encoded["br"]

    gz = client.get(url, headers=GZ)
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()) == asset.body
    assert len(br.get_data()) < len(gz.get_data())

    plain = client.get(url)  # no Accept-Encoding at all
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == asset.body
    assert plain.headers["Cache-Control"] == IMMUTABLE and "Accept-Encoding" in plain.vary
    refused = client.get(url, headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert "Content-Encoding" not in refused.headers and refused.get_data() == asset.body
    assert client.get(url, headers={"Accept-Encoding": "br;q=0, gzip"}).headers["Content-Encoding"] == "gzip"

    # Three representations, three validators; each revalidates to a 304.
    etags = {r.headers["ETag"] for r in (br, gz, plain)}
    assert len(etags) == 3
    for answer, headers in ((br, BR), (gz, GZ), (plain, {})):
        again = client.get(url, headers=dict(headers, **{"If-None-Match": answer.headers["ETag"]}))
        assert again.status_code == 304 and not again.get_data()

    head = client.head(url, headers=BR)
    assert head.status_code == 200 and not head.get_data()
    assert head.headers["Content-Encoding"] == "br"
    assert head.headers["Content-Length"] == br.headers["Content-Length"]


def test_fonts_and_images_go_out_as_they_are(client):
    assets = client.application.extensions["assets"]
    for name in ("fonts/noto-sans-khmer-subset.woff2", "icons/icon-192.png"):
        answer = client.get(assets.url(name), headers=BR)
        assert "Content-Encoding" not in answer.headers, name
        assert answer.get_data() == assets.by_name[name].body
        assert answer.headers["Cache-Control"] == IMMUTABLE


@pytest.mark.parametrize("url", ["/km/", "/en/about/", "/km/search-index.json", "/manifest-km.webmanifest",
                                 "/sw-pack.js"])
def test_pages_and_json_are_brotli_compressed_once(client, url):
    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    br = client.get(url, headers=BR)
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.vary
    assert brotli.decompress(br.get_data()) == plain.get_data()
    misses = compress.encode.cache_info().misses
    again = client.get(url, headers=BR)
    assert again.get_data() == br.get_data()
    assert compress.encode.cache_info().misses == misses, "compressed again for a second request"


def test_offline_pack_parts_travel_in_brotli(client):
    sw_pack = client.get("/sw-pack.js").get_data(as_text=True)
    url = sw_pack.split('"locales":{"en":[["', 1)[1].split('"', 1)[0]
    plain = client.get(url)
    br = client.get(url, headers=BR)
    gz = client.get(url, headers=GZ)
    assert br.headers["Cache-Control"] == plain.headers["Cache-Control"] == IMMUTABLE
    assert brotli.decompress(br.get_data()) == plain.get_data() == gzip.decompress(gz.get_data())
    assert len(br.get_data()) < len(gz.get_data()) < len(plain.get_data())


def test_hsts_only_on_an_answer_that_went_over_https():
    from conftest import make_app
    client = make_app({"HSTS": True}).test_client()
    secure = client.get("/en/about/", base_url="https://mitta.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/en/about/", base_url="http://mitta.example").headers
    # A client's own claim to have come over HTTPS changes nothing: only the WSGI server, for the
    # one proxy it trusts (MITTA_TRUSTED_PROXY), may set the scheme.
    claimed = client.get("/en/about/", headers={"X-Forwarded-Proto": "https", "Forwarded": "proto=https"})
    assert "Strict-Transport-Security" not in claimed.headers
    # And never without the setting, HTTPS or not.
    plain_app = make_app().test_client()
    assert "Strict-Transport-Security" not in plain_app.get("/en/", base_url="https://mitta.example").headers
