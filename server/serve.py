"""Production entry point: `python -m server.serve` (what `make run` starts).

Waitress is a production WSGI server in pure Python, so the same command works on Debian, macOS
and a small VPS. HOST and PORT override the address.
"""
import logging
import os
import signal
import sys

from waitress import create_server

from . import create_app, errors, offline
from .content import ContentError


def main(factory=create_app):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    try:
        app = factory()
    except ContentError as error:
        # Refuse to serve part of the content: say what is wrong and stop.
        print("Mitta will not start: the content has problems.\n" + str(error), file=sys.stderr)
        sys.exit(1)
    # The offline pack is built before the first visitor, who then does not wait for it; a page
    # that cannot be rendered stops the start here instead of failing on a phone.
    with app.app_context():
        offline.pack()
    print(f"Mitta is serving on http://{host}:{port}/", flush=True)
    # ident="" keeps the server name out of every response. Forwarded headers are dropped, except
    # the scheme from the one reverse proxy we are told to trust (MITTA_TRUSTED_PROXY, e.g.
    # Caddy on 127.0.0.1): then `request.is_secure` is true behind HTTPS, and HSTS is sent.
    server = create_server(app, host=host, port=port, ident="", threads=8,
                           clear_untrusted_proxy_headers=True, **proxy_settings(app))
    # Requests waitress itself refuses still get our error page, in the visitor's language.
    channel = errors.waitress_channel(app)
    for listener in [server, *getattr(server, "map", {}).values()]:
        if hasattr(listener, "channel_class"):
            listener.channel_class = channel
    # SIGTERM (systemd, docker stop) ends the server as Ctrl-C does: the requests under way are
    # answered (the queue waiting for a worker is not), then the page counts still in memory are written (server/stats/).
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.task_dispatcher.shutdown()
        if "stats" in app.extensions:
            app.extensions["stats"].close()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def proxy_settings(app):
    trusted = app.config.get("TRUSTED_PROXY")
    if not trusted:
        return {}
    return {"trusted_proxy": trusted, "trusted_proxy_headers": {"x-forwarded-proto"}}


if __name__ == "__main__":
    main()
