"""`python tests/faults.py`: the real server (server.serve, waitress) with some paths answering
500, like a server having a bad moment. FAULT_PATHS='["/offline-pack/"]' lists the path prefixes.
Fault injection lives here, in the tests, so the server itself has no hook for it; LiveServer runs
this instead of `python -m server.serve` when FAULT_PATHS is set."""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Blueprint, abort, request  # noqa: E402

from server import create_app  # noqa: E402
from server.serve import main  # noqa: E402

faults = Blueprint("faults", __name__)
FAILING = tuple(json.loads(os.environ.get("FAULT_PATHS", "[]")))


@faults.before_app_request
def fail_on_purpose():
    if request.path.startswith(FAILING):
        abort(500)


def create_failing_app():
    app = create_app()
    app.register_blueprint(faults)
    return app


if __name__ == "__main__":
    main(create_failing_app)
