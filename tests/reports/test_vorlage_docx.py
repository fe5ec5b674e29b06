"""The Word draft reproduces the Unterrichtungsvorlage: read back with python-docx and checked part by part."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from kgrz_mailbot.domain.textblocks import AMPEL_FARBE, UNCHANGED_SENTENCE
from kgrz_mailbot.reports.vorlage_docx import write_docx
from tests.reports.seed_draft import BEFORE, PROJECTS, seed_draft, with_section

TITLES = [p.title for p in PROJECTS]

CREATED = datetime(2018, 9, 11, 6, 0, tzinfo=UTC)  # the moment the draft is written


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return write_docx(seed_draft(), tmp_path_factory.mktemp("docx") / "entwurf.docx", CREATED)


@pytest.fixture(scope="module")
def document(path):
    return docx.Document(str(path))


def sections_by_title(document) -> dict[str, list]:
    """Body paragraphs grouped under each Heading 1 (the project titles and the Anlage)."""
    groups: dict[str, list] = {}
    current = None
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            current = groups.setdefault(paragraph.text, [])
        elif current is not None:
            current.append(paragraph)
    return groups


def all_cell_texts(table) -> list[str]:
    texts = []
    for row in table.rows:
        for cell in row.cells:
            texts.extend(p.text for p in cell.paragraphs)
            for nested in cell.tables:
                texts.extend(all_cell_texts(nested))
    return texts


def numbering_format(document, paragraph) -> str | None:
    """numFmt of the list a paragraph belongs to, through its style's numPr (Word's real lists)."""
    style = paragraph.style
    while style is not None:
        num_pr = style.element.pPr.find(qn("w:numPr")) if style.element.pPr is not None else None
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
            numbering = document.part.numbering_part.element
            num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
            abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
            abstract = next(a for a in numbering.findall(qn("w:abstractNum"))
                            if a.get(qn("w:abstractNumId")) == abstract_id)  # fmt: skip
            return abstract.find(qn("w:lvl")).find(qn("w:numFmt")).get(qn("w:val"))
        style = style.base_style
    return None


def test_the_head_is_a_table_with_every_field_of_the_vorlage(document):
    head = document.tables[0]
    texts = all_cell_texts(head)
    for expected in ("Unterrichtungsvorlage", "Vorlage:", "UV/____/2018", "Datum:", "11.09.2018",
                     "Oberbürgermeister", "Verfasser:", "17-EB Kommunales Gebietsrechenzentrum", "Az.:",
                     "17-EB/Projekte", "Betreff:", "Stand der Projekte; Aktuelle Projektliste des KGRZ",
                     "Gremienweg:"):  # fmt: skip
        assert expected in texts
    assert '19.09.2018  Werkausschuss "Kommunales Gebietsrechenzentrum Koblenz"' in texts


def test_the_decision_box_offers_every_empty_check_box_for_the_committee_office(document):
    texts = all_cell_texts(document.tables[0])
    for label in ("einstimmig", "mehrheitl.", "ohne BE", "abgelehnt", "Kenntnis", "abgesetzt",
                  "verwiesen", "vertagt", "geändert", "öffentlich"):  # fmt: skip
        assert f"☐ {label}" in texts
    assert {"TOP", "Enthaltungen", "Gegenstimmen"} <= set(texts)


def test_unterrichtung_follows_the_head_with_the_standard_sentence(document):
    texts = [p.text for p in document.paragraphs if p.text]
    index = texts.index("Unterrichtung:")
    assert texts[index + 1].startswith("Der Werkausschuss nimmt den aktuellen Stand der Projekte")


def test_one_real_heading_per_project_in_configured_order_then_the_annex(document):
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [*TITLES, "Anlage: Aktuelle Projektliste"]


def test_lists_are_real_word_bullet_lists_not_typed_dashes(document):
    egov = sections_by_title(document)["E-Government & Verwaltungsmodernisierung"]
    items = [p for p in egov if numbering_format(document, p) == "bullet" and p.style.name == "Vorlage Aufzählung"]
    assert [p.text for p in items] == [
        "Bescheinigung nach dem ProstSchG",
        "Beantragung von Planauszügen",
        "Antrag zum Stellenplan",
        "Reklamationswesen für EB 70/ Kommunaler Servicebetrieb Koblenz",
        "Auszüge aus dem Stadtarchiv, Amt 47 / Stadtarchiv (externer Prozess)",
        "Einstellung neuer Mitarbeiter (verwaltungsweiter, interner Prozess)",
    ]
    assert not any(p.text.lstrip().startswith(("- ", "• ")) for p in document.paragraphs)


def test_line_breaks_inside_a_paragraph_are_word_line_breaks(document):
    first = sections_by_title(document)["eCollaboration"][0]
    assert first.text.startswith(
        "Mit der verwaltungsweiten Umstellung auf Outlook wurde Anfang August planmäßig begonnen.\nMit den"
    )
    assert len(first._p.findall(".//" + qn("w:br"))) == 1


def test_the_previous_text_is_set_apart_indented_and_grey_by_named_styles(document):
    ecoll = sections_by_title(document)["eCollaboration"]
    texts = [p.text for p in ecoll]
    heading = texts.index("Auszug aus der Berichterstattung vom Juni 2018:")
    quoted = ecoll[heading + 1]
    assert quoted.text == BEFORE["ecollaboration"]
    assert quoted.style.name == "Vorlage Auszug"
    assert quoted.style.paragraph_format.left_indent >= Cm(0.9)
    assert {run.style.name for run in quoted.runs} == {"Vorlage Auszug Zeichen"}
    assert str(document.styles["Vorlage Auszug Zeichen"].font.color.rgb) == "595959"


def test_lists_in_the_previous_text_are_indented_bullet_lists_too(document):
    telefonie = sections_by_title(document)["Übernahme der Aufgabe Telefonie durch das KGRZ"]
    items = [p for p in telefonie if p.style.name == "Vorlage Auszug Aufzählung"]
    assert len(items) == 3
    assert all(numbering_format(document, p) == "bullet" for p in items)
    assert items[0].style.paragraph_format.left_indent > Cm(1)


def test_weiteres_vorgehen_is_printed_under_its_label_now_and_in_the_previous_text(document):
    egov = [p.text for p in sections_by_title(document)["E-Government & Verwaltungsmodernisierung"]]
    assert egov[egov.index("Weiteres Vorgehen:") + 1] == "Weitere Prozesse werden in Civento realisiert."
    assert egov.count("Weiteres Vorgehen:") == 2
    assert egov[-1].startswith("Die notwendige Civento Mach Schnittstelle")


def test_an_unchanged_project_says_so_and_shows_its_text_only_as_the_extract(document):
    umbau = [p.text for p in sections_by_title(document)["Umbaumaßnahmen innerhalb des KGRZ"]]
    assert umbau[0] == UNCHANGED_SENTENCE
    assert umbau.count(BEFORE["umbau"]) == 1
    assert umbau.index(BEFORE["umbau"]) > umbau.index("Auszug aus der Berichterstattung vom Juni 2018:")


def test_a_project_without_answer_shows_a_highlighted_gap_naming_the_lead(document):
    time = sections_by_title(document)["TIME – neue Zeitwirtschaft"]
    gap = time[0]
    assert gap.text == "[Noch keine Rückmeldung von Tina Zeit – Abschnitt fehlt]"
    assert gap.runs[0].style.name == "Vorlage Lücke"
    shading = document.styles["Vorlage Lücke"].element.rPr.find(qn("w:shd"))
    assert shading is not None and shading.get(qn("w:fill")) == "FFEB9C"


def test_the_annex_lists_every_project_with_ampel_colour_and_answer_date(document):
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "Nr.", "Projekt", "Projektleitung", "Ampel", "Fortschritt", "Meilenstein", "Budget", "Stand vom"]  # fmt: skip
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in rows] == TITLES
    assert rows[0] == ["1.", "eCollaboration", "Erika Muster", "grün", "25\u00a0%",
                       "Alle Postfächer umgestellt (Mitte Dezember 2018)", "im Plan", "03.09.2018"]  # fmt: skip
    assert rows[5] == ["6.", "TIME – neue Zeitwirtschaft", "Tina Zeit", "–", "–", "–", "–", "–"]
    fills = []
    for row in table.rows[1:]:
        shd = row.cells[3]._tc.tcPr.find(qn("w:shd"))
        fills.append(None if shd is None else shd.get(qn("w:fill")))
    assert fills == [AMPEL_FARBE["gruen"], AMPEL_FARBE["gelb"], AMPEL_FARBE["gelb"], AMPEL_FARBE["gelb"],
                     AMPEL_FARBE["rot"], None]  # fmt: skip
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_pages_are_a4_with_the_usual_margins_and_the_annex_in_landscape(document):
    body, annex = document.sections
    assert (round(body.page_width.cm, 1), round(body.page_height.cm, 1)) == (21.0, 29.7)
    assert round(body.left_margin.cm, 1) == 2.5 and round(body.right_margin.cm, 1) == 2.0
    assert (round(annex.page_width.cm, 1), round(annex.page_height.cm, 1)) == (29.7, 21.0)


def test_the_footer_numbers_the_pages_with_word_fields(document):
    footer = document.sections[0].footer.paragraphs[0]
    fields = [f.get(qn("w:instr")).strip() for f in footer._p.findall(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Seite ")


def test_the_document_language_is_german(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:val")) == "de-DE"
    assert document.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "de-DE"


def test_core_properties_name_title_author_session_and_version(document):
    props = document.core_properties
    assert props.title == "Unterrichtungsvorlage – Stand der Projekte"
    assert props.author == "17-EB Kommunales Gebietsrechenzentrum, Kommunales Gebietsrechenzentrum Koblenz"
    assert props.subject == 'Werkausschuss "Kommunales Gebietsrechenzentrum Koblenz", Sitzung am 19.09.2018'
    assert "Version 1" in props.comments
    assert props.language == "de-DE"


def test_formatting_lives_in_named_styles_defined_once_not_on_runs(path):
    with zipfile.ZipFile(path) as package:
        styles = package.read("word/styles.xml").decode()
        body = package.read("word/document.xml").decode()
    for name in ("Vorlage Text", "Vorlage Aufzählung", "Vorlage Auszug", "Vorlage Auszug Zeichen", "Vorlage Lücke"):
        assert styles.count(f'w:name w:val="{name}"') == 1
    document = docx.Document(str(path))
    for run in document.element.body.iter(qn("w:r")):
        properties = run.find(qn("w:rPr"))
        if properties is not None:
            assert [child.tag for child in properties] == [qn("w:rStyle")]
    assert "<w:b/>" not in body and "<w:color " not in body


def test_the_header_marks_the_draft_and_names_later_versions(document, tmp_path):
    assert document.sections[0].header.paragraphs[0].text == "Entwurf – Stand 11.09.2018"
    second = docx.Document(str(write_docx(seed_draft(version=3), tmp_path / "v3.docx", CREATED)))
    assert second.sections[0].header.paragraphs[0].text == "Entwurf, Version 3 – Stand 11.09.2018"
    assert "Version 3" in second.core_properties.comments


def test_reply_text_stays_text_field_codes_and_control_characters_cannot_get_in(tmp_path):
    hostile = 'Vorher { INCLUDETEXT "c:\\\\geheim.txt" } nachher\x00\x07 <w:fldSimple w:instr="DATE"/>\n- { PAGE }'
    draft = with_section(seed_draft(), "telefonie", stand=hostile, title="Telefonie\x0b{ AUTHOR }")
    path = write_docx(draft, tmp_path / "boese.docx", CREATED)
    document = docx.Document(str(path))
    telefonie = sections_by_title(document)["Telefonie{ AUTHOR }"]
    assert telefonie[0].text == 'Vorher { INCLUDETEXT "c:\\\\geheim.txt" } nachher <w:fldSimple w:instr="DATE"/>'
    assert telefonie[1].text == "{ PAGE }"
    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml").decode()
    assert "<w:fldSimple" not in body and "instrText" not in body and "fldChar" not in body
    assert "\x00" not in body and "\x07" not in body


def test_a_missing_answer_still_quotes_the_previous_report_under_the_gap(tmp_path):
    draft = with_section(seed_draft(), "telefonie", answered=False, answered_by=None, answered_at=None,
                         stand=None, ampel=None, fortschritt=None)  # fmt: skip
    document = docx.Document(str(write_docx(draft, tmp_path / "luecke.docx", CREATED)))
    texts = [p.text for p in sections_by_title(document)["Übernahme der Aufgabe Telefonie durch das KGRZ"]]
    assert texts[0] == "[Noch keine Rückmeldung von Jana Fernsprech – Abschnitt fehlt]"
    assert texts[1] == "Auszug aus der Berichterstattung vom Juni 2018:"
    assert "Die finale Handlungsempfehlung wurde erarbeitet." not in "\n".join(texts)
    assert [c.text for c in document.tables[-1].rows[3].cells][3:] == ["–", "–", "–", "–", "–"]
