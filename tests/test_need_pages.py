"""No dead end for a person in danger: every province × need page either offers something to call
or visit, or says in plain words where that help is usually found (with its source); PEP's route,
the provincial hospital's emergency department today, comes first on every PEP page and card."""
import re
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, make_app


@pytest.fixture(scope="module")
def shipped():
    app = make_app()
    return app, app.extensions["content"]


def main_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").find("main")


def before(main, first, then):
    """`first` comes before `then` in `main` (or `then` is not there at all)."""
    order = list(main.descendants)
    return then is None or order.index(first) < order.index(then)


def test_every_page_that_offers_nothing_says_where_help_is_found(shipped):
    """Counted over all 25 provinces × 14 needs with the model, linked from the site or not."""
    _, model = shipped
    pages = model.need_pages()
    assert len(pages) == len(model.provinces) * len(model.needs)
    silent = [(p.province.slug, p.category.slug) for p in pages if p.offers_nothing and not p.where]
    assert silent == []


def test_a_page_that_offers_nothing_shows_the_sentence_before_the_emergency_numbers(shipped):
    app, model = shipped
    client = app.test_client()
    empty = [p for p in model.need_pages() if p.offers_nothing and model.has_local(p.province.slug)]
    assert empty, "the shipped content has no need page without services: pick another check"
    for page in empty:
        main = main_of(client.get(f"/en/province/{page.province.slug}/{page.category.slug}/"))
        note = main.find(attrs={"data-where": True})
        assert note is not None, (page.province.slug, page.category.slug)
        assert page.category.where.text.en in note.get_text(" ", strip=True)
        assert page.category.where.source in note.get_text(" ", strip=True)
        assert before(main, note, main.find("h2", string="Emergency numbers")), page.province.slug


def test_pep_pages_and_cards_send_to_the_hospital_today_first(shipped):
    app, model = shipped
    client = app.test_client()
    pep = model.category("pep-prep").where
    assert pep and pep.first and "72 hours" in pep.text.en and "emergency department" in pep.text.en
    for province in model.provinces:
        if model.has_local(province.slug):
            main = main_of(client.get(f"/en/province/{province.slug}/pep-prep/"))
            note = main.find(attrs={"data-where": True})
            assert note is not None and pep.text.en in note.get_text(" ", strip=True), province.slug
            # Before any heading or number: nothing far away is offered before the hospital, today.
            assert before(main, note, main.find(["h2", "h3"])), province.slug
            assert before(main, note, main.find("a", href=re.compile("^tel:"))), province.slug
        card = main_of(client.get(f"/km/province/{province.slug}/card/"))
        section = card.find("section", class_="print-card")
        assert pep.card.km in section.get_text(" ", strip=True), province.slug


def test_a_tile_counts_only_what_can_be_called_or_visited(shipped):
    app, model = shipped
    client = app.test_client()
    for province in (p for p in model.provinces if model.has_local(p.slug)):
        main = main_of(client.get(f"/en/province/{province.slug}/"))
        for tile in main.select("a.category-tile"):
            slug = tile["href"].rstrip("/").rsplit("/", 1)[1]
            page = model.need_page(province.slug, slug)
            count = tile.select_one(".count").get_text(strip=True)
            reachable = [s for s in page.reachable if s.callable or model.visitable(s)]
            assert len(reachable) == len(page.reachable)
            if page.reachable:
                assert count == (f"{len(page.reachable)} place" + ("s" if len(page.reachable) > 1 else ""))
            elif page.nearest:
                assert count == "Nearest places"
            else:
                assert count == "Where to ask", (province.slug, slug, count)


def test_no_service_claims_pep_without_a_source(shipped):
    _, model = shipped
    for service in model.services:
        if "pep-prep" in service.categories:
            assert service.gives, service.name.en
            assert all(source.strip() for _, source in service.gives)
    # RHAC's clinics: no source says they give PEP beyond people who were raped (2010): not filed under it.
    assert not [s for s in model.services if "RHAC" in s.name.en and "pep-prep" in s.categories]


def test_a_service_page_says_when_no_source_says_it_gives_pep(shipped):
    app, model = shipped
    client = app.test_client()
    prep_only = next(s for s in model.services if s.gives and not s.gives_source("pep"))
    text = main_of(client.get(f"/en/service/{prep_only.id}/")).get_text(" ", strip=True)
    assert "No source says it gives PEP" in text and "Gives PrEP" in text


def copy_content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def check(content):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "server", "content", "check", "--dir", str(content)],
                          cwd=ROOT, capture_output=True, text=True)


def test_the_check_refuses_a_need_page_left_empty_without_its_sentence(tmp_path):
    content = copy_content(tmp_path)
    path = content / "categories.yaml"
    text = path.read_text(encoding="utf-8")
    # Drop the condoms sentence: no service carries the category, so every condoms page is empty.
    start = text.index("  - slug: condoms")
    where = text.index("    where:", start)
    end = text.index("  - slug:", where)
    path.write_text(text[:where] + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    result = check(content)
    assert result.returncode == 1
    assert re.search(rf"categories\.yaml:{line}: categories\[\d+\] \(condoms\): 25 province page\(s\) offer nothing",
                     result.stderr), result.stderr
    assert "nothing was published" in result.stderr


def test_the_check_refuses_a_pep_claim_without_a_source(tmp_path):
    content = copy_content(tmp_path)
    path = content / "directory" / "tuol-kork-health-center.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"    gives:\n      prep: .*\n", "", text), encoding="utf-8")
    line = text[:text.index("categories: [pep-prep]")].count("\n") + 1
    result = check(content)
    assert result.returncode == 1
    assert f"tuol-kork-health-center.yaml:{line}: services[0].categories: a service under pep-prep says what it gives" \
        in result.stderr, result.stderr


def test_the_check_prints_the_count_for_maintainers():
    result = check(ROOT / "content")
    assert result.returncode == 0, result.stderr
    model = make_app().extensions["content"]
    empty = sum(1 for p in model.need_pages() if p.offers_nothing)
    assert f"{empty} of 350 province × need pages offer nothing to call or visit" in result.stdout
