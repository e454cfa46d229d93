"""The directory through the real app, in both languages."""
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

import conftest
from server.sitemap import page_urls

ROOT = Path(__file__).resolve().parent.parent
ICT = dt.timezone(dt.timedelta(hours=7))


def text(response):
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def service_id(app, number):
    model = app.extensions["content"]
    return next(s.id for s in model.services for p in s.phones if p.number == number)


@pytest.mark.parametrize("locale", ["km", "en"])
def test_every_directory_page_answers_in_its_language(app, client, locale):
    with app.test_request_context():
        urls = page_urls(locale)
    assert len(urls) > 60
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype == "text/html":
            assert f'<html lang="{locale}"' in response.get_data(as_text=True)


def test_home_puts_emergency_numbers_first_with_one_tap_calls(client):
    html = client.get("/en/").get_data(as_text=True)
    main = html[html.index("<main"):]
    first_section = main[: main.index("</section>")]
    for tel in ("tel:119", "tel:1280", "tel:117", "tel:1288", "tel:1281"):
        assert f'href="{tel}"' in first_section
    # The safest calls come before the police.
    assert first_section.index("tel:119") < first_section.index("tel:117")


def test_short_codes_dial_bare_and_full_numbers_dial_international(client, app):
    html = client.get(f"/en/service/{service_id(app, '023 997 919')}/").get_data(as_text=True)
    assert 'href="tel:+85523997919"' in html and 'href="tel:1288"' in html


ABROAD = {"en": ("If you are in Thailand", "In Thailand", "Call from inside Thailand"),
          "km": ("បើអ្នកនៅប្រទេសថៃ", "នៅប្រទេសថៃ", "ហៅពីក្នុងប្រទេសថៃ")}


@pytest.mark.parametrize("locale", ["km", "en"])
def test_numbers_in_thailand_have_their_own_page_their_country_and_international_links(app, client, locale):
    """Many workers migrate to Thailand (content-review.md §3): its numbers are real call buttons
    on their own page, linked from home and the emergency list, each saying it is Thai; a Thai
    number is never offered as an answer in a Cambodian province."""
    heading, in_thailand, inside_only = ABROAD[locale]
    page = f"/{locale}/abroad/th/"
    for start in (f"/{locale}/", f"/{locale}/emergency/", f"/{locale}/category/anti-trafficking/"):
        assert f'href="{page}" data-abroad="TH">{heading}</a>' in client.get(start).get_data(as_text=True), start
    html = client.get(page).get_data(as_text=True)
    assert re.search(rf"<h1[^>]*>{heading}</h1>", html)
    embassy, crisis = html.split('href="tel:+6629575851"'), html.split('href="tel:1300"')
    assert len(embassy) == len(crisis) == 2   # each number once, dialled as it works from Thailand
    assert f'data-region="TH">{in_thailand}</span>' in embassy[1].split("</li>", 1)[0]
    assert f'data-region="TH">{inside_only}</span>' in crisis[1].split("</li>", 1)[0]
    assert '<span class="number">+66 2 957 5851</span>' in html
    # Plausible numbers: not yet checked, as everywhere.
    assert text(client.get(f"/en/service/{service_id(app, '1300')}/")).count("Not yet checked — call to confirm") >= 1
    assert f">{in_thailand}</a>" in client.get(f"/{locale}/service/{service_id(app, '1300')}/").get_data(as_text=True)
    with app.test_request_context():
        assert page in page_urls(locale)   # so it is saved offline and exported with the rest
    for other in (f"/{locale}/province/pursat/", f"/{locale}/province/pursat/anti-trafficking/",
                  f"/{locale}/province/kratie/after-violence/", f"/{locale}/category/anti-trafficking/"):
        assert "tel:+66" not in client.get(other).get_data(as_text=True) and "tel:1300" not in client.get(other).get_data(as_text=True), other
    assert client.get(f"/{locale}/abroad/kh/").status_code == 404
    assert client.get(f"/{locale}/abroad/TH/").status_code == 404


def test_police_carry_their_safety_note_in_both_languages(client, app):
    sid = service_id(app, "117")
    assert "can be risky for sex workers" in text(client.get(f"/en/service/{sid}/"))
    assert "ប៉ូលិស" in text(client.get(f"/km/service/{sid}/"))
    assert "can be risky" in text(client.get("/en/emergency/"))


def test_child_helpline_takes_sms_and_says_who_it_serves(client, app):
    sid = service_id(app, "1280")
    page = client.get(f"/en/service/{sid}/")
    html = page.get_data(as_text=True)
    assert 'href="sms:1280"' in html
    assert "25" in text(page) and "24 hours" in text(page)


def test_unconfirmed_numbers_say_so_and_confirmed_ones_say_when(client, app):
    unchecked = text(client.get(f"/en/service/{service_id(app, '012 488 777')}/"))
    assert "Not yet checked — call to confirm" in unchecked
    assert "Checked on" not in unchecked
    checked = text(client.get(f"/en/service/{service_id(app, '119')}/"))
    assert "Checked on Nov 22, 2026" in checked
    assert "Source" in checked and "AOSP" in checked


def test_an_old_check_becomes_may_be_out_of_date():
    later = conftest.make_app({"CLOCK": lambda: dt.datetime(2027, 7, 1, 3, tzinfo=dt.timezone.utc)})
    sid = service_id(later, "119")
    page = text(later.test_client().get(f"/en/service/{sid}/"))
    assert "May be out of date — last checked Nov 22, 2026" in page


def test_unknown_fields_stay_empty_and_the_page_says_so(client, app):
    # The Pursat hospital: name confirmed, no phone, no address, no hours.
    model = app.extensions["content"]
    hospital = next(s for s in model.services if "Pursat" in s.name.en and "Hospital" in s.name.en)
    page = text(client.get(f"/en/service/{hospital.id}/"))
    assert "No phone number is known yet." in page
    assert "The exact address is not known yet" in page
    assert "Not known — call before you go." in page


def test_province_with_local_services_lists_categories_with_counts(client):
    page = client.get("/en/province/pursat/")
    html = page.get_data(as_text=True)
    assert "/en/province/pursat/emergency/" in html
    assert re.search(r"\d+ places?", text(page))


def test_province_without_local_services_shows_national_ones_itself(client, app):
    model = app.extensions["content"]
    slug = next(p.slug for p in model.provinces if not model.has_local(p.slug))
    html = client.get(f"/en/province/{slug}/").get_data(as_text=True)
    # No category pages (the card to print is the one page under it).
    assert f"/en/province/{slug}/" not in html.split("<main", 1)[1].split("</main>")[0].replace(
        f'data-province="{slug}"', "").replace(f'href="/en/province/{slug}/card/"', "")
    assert 'href="tel:119"' in html and 'href="tel:1280"' in html


def test_category_list_shows_local_then_national_services(tmp_path):
    from content_copies import small_content
    app = conftest.make_app({"CONTENT_DIR": str(small_content(tmp_path))})
    html = app.test_client().get("/en/province/pursat/legal-aid/").get_data(as_text=True)
    local, national = html.find("Moved test office"), html.find("National test hotline")
    assert 0 <= local < html.find("Everywhere in Cambodia") < national
    assert "Checked on" in text(app.test_client().get("/en/province/pursat/legal-aid/"))


def test_unknown_ids_are_404_in_the_users_language(client):
    for url in ("/en/service/00000000-0000-4000-8000-000000000000/", "/en/province/atlantis/",
                "/en/province/pursat/astrology/", "/en/category/astrology/"):
        assert client.get(url).status_code == 404
    assert "រកទំព័រមិនឃើញ" in text(client.get("/km/service/nope/"))


@pytest.fixture
def hours_app(tmp_path):
    """A copy of the content in which one service has weekday office hours."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "directory" / "bar-association.yaml"
    body = path.read_text(encoding="utf-8")
    body = body.replace("    provenance:", "    schedules:\n      - byday: [MO, TU, WE, TH, FR]\n"
                        "        opens_at: \"08:00\"\n        closes_at: \"17:00\"\n    provenance:", 1)
    path.write_text(body, encoding="utf-8")
    return content


# The rule itself (days, edges, time zones) is in tests/cases/open_now.json, run against the server
# and the phone alike; here, that a service page shows it.
@pytest.mark.parametrize("when,expected", [
    # After the content's newest check: the app's one clock also dates the content check.
    (dt.datetime(2026, 12, 1, 10, 0, tzinfo=ICT), "Open now"),      # Tuesday morning
    (dt.datetime(2026, 12, 6, 10, 0, tzinfo=ICT), "Closed now"),    # Sunday
])
def test_open_now_in_cambodia_time(hours_app, when, expected):
    app = conftest.make_app({"CONTENT_DIR": str(hours_app), "CLOCK": lambda: when})
    model = app.extensions["content"]
    sid = next(s.id for s in model.services if s.schedules and "Bar Association" in model.organization(s.organization_id).name.en)
    page = text(app.test_client().get(f"/en/service/{sid}/"))
    assert expected in page
    assert "Mon, Tue, Wed, Thu, Fri: 08:00–17:00" in page


@pytest.mark.parametrize("query,expected", [
    ("Kracheh", "Kratie"),                  # romanised spelling
    ("Pouthisat", "Pursat"),
    ("kratié", "Kratie"),                   # accents folded
    ("legal aid", "Legal aid"),
    ("ពោធិ៍សាត់", "Pursat"),                # Khmer
    ("ពោធិ៍\u200bសាត់", "Pursat"),          # a zero-width space from a phone keyboard
    ("1280", "Child Helpline"),
    ("Thailand", "Cambodian embassy in Bangkok"),   # a service for people abroad, by its country
    ("ថៃ", "Helpline 1300 in Thailand"),
])
def test_search_without_javascript(client, query, expected):
    page = client.get("/en/search", query_string={"q": query})
    assert page.status_code == 200
    results = text(page).split("Results", 1)
    assert len(results) == 2 and expected.lower() in results[1].lower(), query


def test_a_service_abroad_is_found_by_its_countrys_names_alone(tmp_path):
    # The embassy's texts reworded so that none names Thailand: its area ({country: TH}) still
    # gives it the country's names (CLDR's, as its page shows them).
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    path = content / "directory" / "cambodian-embassy-bangkok.yaml"
    text_ = path.read_text(encoding="utf-8").replace("ប្រទេសថៃ", "ក្រៅប្រទេស").replace("Thailand", "another country")
    path.write_text(text_, encoding="utf-8")
    client = conftest.make_app({"CONTENT_DIR": str(content)}).test_client()
    for locale, query in (("en", "Thailand"), ("km", "ថៃ"), ("en", "ថៃ"), ("km", "thailand")):
        html = client.get(f"/{locale}/search", query_string={"q": query}).get_data(as_text=True)
        assert "/service/06360d24-eff3-478d-94bd-d322edfd824f/" in html.split("data-search-results", 1)[1], query


def test_search_finds_khmer_inside_words(client):
    # Khmer has no spaces: "ជំនួយកុមារ" (child help) sits inside the helpline's organisation name.
    page = text(client.get("/en/search", query_string={"q": "ជំនួយកុមារ"}))
    assert "Helpline 1280" in page.split("Results", 1)[1]


def test_exact_name_ranks_first(client):
    html = client.get("/en/search", query_string={"q": "Pursat"}).get_data(as_text=True)
    results = html.split('class="result-list"', 1)[1]
    first = re.search(r'<a href="([^"]+)">([^<]+)</a>', results)
    assert first.group(1) == "/en/province/pursat/"


def test_no_result_offers_emergency_numbers_and_categories(client):
    page = client.get("/en/search", query_string={"q": "qwertyuiop"})
    html = page.get_data(as_text=True)
    assert "Nothing found" in html
    assert 'href="tel:119"' in html and "/en/category/legal-aid/" in html


def test_search_index_is_compact_and_matches_the_server(client):
    from server.search import search
    html = client.get("/km/search").get_data(as_text=True)
    urls = re.search(r'data-index="([^"]+)"', html).group(1).split(" ")
    assert urls[0] == "/km/search-index.json" and len(urls) > 1  # national, then provinces' own
    index = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json", url
        assert len(response.data) < 120_000
        index += response.get_json()
    assert {d["kind"] for d in client.get(urls[0]).get_json()} >= {"province", "category", "service"}
    assert client.get("/km/search-index/no-such-province.json").status_code == 404
    # What the phone finds in the index it is given is what the server's search page lists.
    for query in ("ពោធិ៍សាត់", "Kratie", "1280", "ប៉ូលីស", "កណ្ដាល", "legal"):
        page = client.get("/km/search", query_string={"q": query}).get_data(as_text=True)
        block = page.split("data-search-results", 1)[1].split("</div>", 1)[0]
        server = re.findall(r'<li><a href="([^"]+)"', block)
        assert server, query
        assert [d["url"] for d in search(index, query)] == server, query


def test_a_khmer_service_page_says_how_it_was_checked_in_khmer(client, app):
    """The provenance line is a translated label; the maintainers' own note (who, which file) is
    never shown."""
    sid = service_id(app, "119")
    km = client.get(f"/km/service/{sid}/").get_data(as_text=True)
    en = client.get(f"/en/service/{sid}/").get_data(as_text=True)
    assert "បានពិនិត្យជាមួយប្រភពសាធារណៈ" in km and "checked against public sources" in en
    checked_by = app.extensions["content"].service(sid).provenance.checked_by
    for page in (km, en):
        assert checked_by not in page and ".md" not in page and "Desk" not in page
