"""`python tests/faulty_server.py`: Mitta as `server.serve` runs it, behind a WSGI middleware
that misbehaves on purpose, to show what a phone says when saving fails. Tests only: nothing in
server/ knows of it. MITTA_FAULT is JSON, {"<kind>": "<path prefix>"}:

  cut      the answer stops halfway and the connection closes (a connection lost mid-save)
  corrupt  one byte of the body differs from what was hashed (a digest mismatch)
"""
import json
import logging
import os
import sys
from pathlib import Path

from waitress import serve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from server import create_app, offline  # noqa: E402


class Faulty:
    def __init__(self, app, faults):
        self.app = app
        self.faults = faults

    def __call__(self, environ, start_response):
        kind = next((k for k, prefix in self.faults.items() if environ["PATH_INFO"].startswith(prefix)), None)
        if not kind:
            return self.app(environ, start_response)
        environ = dict(environ, HTTP_ACCEPT_ENCODING="identity")
        answer = {}
        body = b"".join(self.app(environ, lambda status, headers, exc=None: answer.update(status=status, headers=headers)))
        start_response(answer["status"], answer["headers"])
        if kind == "corrupt":
            return [body[:-2] + bytes([body[-2] ^ 1]) + body[-1:]]
        return self.cut(body)

    @staticmethod
    def cut(body):
        yield body[: len(body) // 2]
        raise ConnectionAbortedError("cut on purpose, halfway")


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    with app.app_context():
        offline.pack()
    app.wsgi_app = Faulty(app.wsgi_app, json.loads(os.environ.get("MITTA_FAULT", "{}")))
    print("Mitta (with faults) is serving", flush=True)
    serve(app, host=os.environ["HOST"], port=int(os.environ["PORT"]), ident="", threads=8)


if __name__ == "__main__":
    main()
