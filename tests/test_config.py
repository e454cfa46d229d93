"""Configuration: the environment configures the real server, never a test's app."""
from conftest import TODAY, make_app
from server import create_app, public


def test_the_environment_configures_the_server_but_not_a_test_app(monkeypatch):
    monkeypatch.setenv("MITTA_PUBLIC_URL", "https://from-the-shell.example")
    monkeypatch.setenv("MITTA_QUICK_EXIT_URL", "https://weather.example")
    monkeypatch.setenv("MITTA_CLOCK", TODAY.isoformat())  # a served app's clock, as LiveServer pins it
    served = create_app()  # what `python -m server.serve` builds
    assert served.extensions["clock"].now() == TODAY
    assert served.config["PUBLIC_URL"] == "https://from-the-shell.example"
    assert served.config["QUICK_EXIT_URL"] == "https://weather.example"
    tested = make_app()
    assert tested.config["PUBLIC_URL"] == public.DEFAULT
    assert "QUICK_EXIT_URL" not in tested.config
