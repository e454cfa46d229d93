"""Production entry point: `python -m server.serve` (what `make run` starts).

Waitress is a production WSGI server in pure Python, so the same command works on Debian, macOS
and a small VPS. HOST and PORT override the address.
"""
import logging
import os

from waitress import serve

from . import create_app


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    app = create_app()
    print(f"Mitta is serving on http://{host}:{port}/", flush=True)
    # ident="" keeps the server name out of every response.
    serve(app, host=host, port=port, ident="", threads=8, clear_untrusted_proxy_headers=True)


if __name__ == "__main__":
    main()
