import html
import re


def slot(page: str, name: str) -> str:
    match = re.search(rf'<[^>]*data-slot="{name}"[^>]*>(.*?)</', page, re.S)
    assert match, f"no {name} slot in the page"
    return html.unescape(match.group(1).strip())


def test_portal_shows_correction_and_gloss(client):
    response = client("GET", "/portal", query="sentence=she+go+to+school+yesterday")
    assert response.status == 200
    page = response.text
    assert "She went to school yesterday." in page
    assert "Ella fue a la escuela ayer." in page
    assert slot(page, "correction")
    assert slot(page, "spanish")


def test_portal_escapes_what_the_learner_typed(client):
    page = client("GET", "/portal", query="sentence=%3Cscript%3Ealert(1)%3C/script%3E").text
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_index_has_a_form_for_the_portal(client):
    page = client("GET", "/").text
    assert 'action="/portal"' in page
    assert 'name="sentence"' in page
