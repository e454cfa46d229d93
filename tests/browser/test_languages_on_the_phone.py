"""Four languages on a 320 px phone: the switch offers every other one in its own name with 48 px
targets and nothing scrolls sideways; the pages of a language added as data pass axe. One server,
a copy of content/ with Vietnamese live and a fourth language (tests/test_languages.py)."""
import pytest

from a11y import violations
from conftest import LiveServer
from phone import assert_readable_at_320_px
from test_languages import four_languages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def four_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("four-live")
    content, translations = four_languages(tmp)
    server = LiveServer(tmp, env={"MITTA_CONTENT_DIR": str(content),
                                  "MITTA_BABEL_TRANSLATION_DIRECTORIES": translations}).start(wait=90)
    yield server
    server.stop()


def test_four_languages_fit_a_320_px_switch_and_pass_axe(narrow_phone, four_server):
    for locale in ("vi", "km", "lo"):
        # the pages the 320 px tests check in Khmer and English (test_foundation, test_guide_a11y)
        for path in ("/", "/about/", "/guide/"):
            assert_readable_at_320_px(narrow_phone, f"{four_server.url}/{locale}{path}")
        assert narrow_phone.locator("html").get_attribute("lang") == locale
        names = narrow_phone.locator(".lang-switch a").all_inner_texts()
        assert len(names) == 3 and all(names), names
    assert not violations(narrow_phone, [f"{four_server.url}/vi{path}" for path in ("/", "/emergency/", "/guide/", "/safety/")])
