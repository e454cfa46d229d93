"""Privacy is safety: no cookies, strict headers, and logs that cannot identify anybody."""
import urllib.request


from site_crawl import crawl


def test_every_response_is_hardened(client):
    # (No answer sets a cookie: tests/test_fuzz.py checks every answer to anything a client sends.)
    responses = list(crawl(client).values()) + [client.get("/"), client.get("/en/missing/")]
    for response in responses:
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in headers["Permissions-Policy"]


def test_the_app_never_sets_a_cookie_even_if_code_tries(app):
    @app.route("/tries-a-cookie")
    def tries():
        from flask import make_response
        response = make_response("x")
        response.set_cookie("tracking", "1")
        return response

    assert "Set-Cookie" not in app.test_client().get("/tries-a-cookie").headers


def test_live_server_access_log_has_no_query_ip_or_user_agent(live_server):
    secret = "rape-clinic-pursat"
    request = urllib.request.Request(
        f"{live_server.url}/en/about/?q={secret}&from=192.0.2.44",
        headers={"User-Agent": "Mozilla/5.0 SecretPhone/1.0", "X-Forwarded-For": "198.51.100.7"})
    assert urllib.request.urlopen(request).status == 200
    log = live_server.log_text()
    assert "GET /en/about/ 200" in log  # the request was logged…
    for leak in (secret, "?q=", "127.0.0.1 -", "198.51.100.7", "192.0.2.44", "SecretPhone"):
        assert leak not in log  # …without anything that identifies who asked or what for


def test_live_server_is_a_production_server(live_server):
    response = urllib.request.urlopen(live_server.url + "/km/")
    assert response.status == 200
    assert "Werkzeug" not in (response.headers.get("Server") or "")
    assert "Running on" not in live_server.log_text()  # Flask's development server banner
