"""Headers that keep a user's visit private and the page unembeddable. No cookies, ever."""

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=()",
}


def init_app(app):
    @app.after_request
    def harden(response):
        response.headers.update(HEADERS)
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        # A cookie would be a trace on a shared phone; nothing we run may set one.
        response.headers.pop("Set-Cookie", None)
        return response
