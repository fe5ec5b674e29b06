"""The draft mail: Outlook-safe HTML with the overview first, and its plain-text alternative."""

from __future__ import annotations

import re

import pytest

from kgrz_mailbot.domain.model import Ampel
from kgrz_mailbot.domain.textblocks import UNCHANGED_SENTENCE
from kgrz_mailbot.reports.render import Renderer
from kgrz_mailbot.reports.vorlage_html import ampel_changes, render_html, render_text
from tests.reports.seed_draft import PROJECTS, seed_draft, with_section

TITLES = [p.title for p in PROJECTS]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.fixture(scope="module")
def html(renderer):
    return render_html(seed_draft(version=2), renderer, ["Rückmeldung eCollaboration ergänzt"])


def test_the_overview_comes_first_with_answered_count_missing_leads_and_ampel_changes(html):
    overview_end = html.index("Vorlage:")
    overview = html[:overview_end]
    assert "5 von 6</span> Projekten haben geantwortet." in overview
    assert "TIME – neue Zeitwirtschaft (Tina Zeit)" in overview
    assert "eCollaboration: gelb → <b>grün</b>" in overview
    assert "E-Government &amp; Verwaltungsmodernisierung: grün → <b>gelb</b>" in overview
    assert "Übernahme der Aufgabe Telefonie" not in overview  # its Ampel stayed gelb
    assert overview.index("Änderungen gegenüber Version 1:") < overview.index("Rückmeldung eCollaboration ergänzt")


def test_without_changes_or_gaps_the_overview_says_everything_is_in(renderer):
    complete = with_section(seed_draft(), "time", answered=True, stand="Das Projekt läuft.", ampel=Ampel.GRUEN)
    html = render_html(complete, renderer)
    assert "Alle Rückmeldungen liegen vor." in html
    assert "Änderungen gegenüber Version" not in html


def test_the_sections_follow_in_the_order_of_the_vorlage_then_the_project_list(html):
    positions = [html.index(f">{title.replace('&', '&amp;')}</h2>") for title in TITLES]
    assert positions == sorted(positions)
    assert positions[-1] < html.index("Anlage: Aktuelle Projektliste</h2>")


def test_lists_gaps_unchanged_and_previous_texts_appear_as_in_the_vorlage(html):
    egov = html[html.index(">E-Government &amp; Verwaltungsmodernisierung</h2>") : html.index(">Übernahme der")]
    assert len(re.findall(r"<li[ >]", egov)) == 6 + 2  # six items now, two in the Juni extract
    assert len(re.findall(r'<li style="[^"]*color: #595959', egov)) == 2
    assert "Auszug aus der Berichterstattung vom Juni 2018:" in egov
    assert "[Noch keine Rückmeldung von Tina Zeit – Abschnitt fehlt]" in html
    assert UNCHANGED_SENTENCE in html


def test_all_css_is_inlined_and_nothing_is_loaded_or_run(html):
    assert "<style" not in html and "<link" not in html and "<script" not in html and "<img" not in html
    assert "http://" not in html and "https://" not in html
    assert re.search(r'<h2 style="[^"]*font-size: 12pt', html)
    assert re.search(r'<p class="auszug" style="[^"]*color: #595959', html)


def test_the_project_list_shows_each_ampel_in_its_colour(html):
    table = html[html.index('<table class="liste"') :]
    table = table[: table.index("</table>")]
    assert len(re.findall(r"<tr>", table)) == 1 + 6
    assert 'bgcolor="#92D050"' in table and ">grün</td>" in table
    assert ">03.09.2018</td>" in table


def test_reply_text_is_escaped_everywhere(renderer):
    evil = '<script>alert("x")</script>\n- <img src=x onerror=alert(1)>\n\n<a href="http://böse.example">klick</a>'
    draft = with_section(seed_draft(), "telefonie", stand=evil, title="<b>Telefonie</b>",
                         weiteres_vorgehen="</p><iframe>", meilenstein="<svg onload=x>")  # fmt: skip
    draft = with_section(draft, "time", lead_name='Tina <script>"Zeit"</script>')
    html = render_html(draft, renderer)
    for raw in ("<script", "<img", "<iframe", "<svg", "<a href", "<b>Telefonie"):
        assert raw not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    text = render_text(draft, renderer)
    assert '<script>alert("x")</script>' in text  # plain text is not HTML: shown as written


def test_control_characters_never_reach_the_mail(renderer):
    draft = with_section(seed_draft(), "telefonie", stand="Stand\x00 mit\x07 Glocke", title="Tele\x1bfonie")
    for body in (render_html(draft, renderer), render_text(draft, renderer)):
        assert "Stand mit Glocke" in body and "Telefonie" in body
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", body)


def test_the_plain_text_keeps_order_lists_and_the_indented_extract(renderer):
    text = render_text(seed_draft(), renderer)
    positions = [text.index(f"\n{title}\n") for title in TITLES]
    assert positions == sorted(positions)
    assert "\n- Antrag zum Stellenplan\n" in text
    assert "\n    Bereits im Mai 2018 wurden das KGRZ" in text
    assert "5 von 6 Projekten haben geantwortet." in text.split("Unterrichtung:")[0]
    assert "<" not in text


def test_ampel_changes_compare_with_the_last_reported_ampel_only():
    changes = ampel_changes(seed_draft())
    assert [(c.title, c.before, c.after) for c in changes] == [
        ("eCollaboration", Ampel.GELB, Ampel.GRUEN),
        ("E-Government & Verwaltungsmodernisierung", Ampel.GRUEN, Ampel.GELB),
    ]


def test_the_first_version_is_marked_as_draft_without_a_version_number(renderer):
    html = render_html(seed_draft(version=1), renderer)
    assert "Entwurf – Stand 11.09.2018" in html
    assert "Version" not in html
