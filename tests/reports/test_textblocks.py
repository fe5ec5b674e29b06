"""Stored reply text (C4) becomes paragraphs and bullet lists for every renderer."""

import unicodedata

from kgrz_mailbot.domain.textblocks import BulletList, Paragraph, clean_text, parse_blocks, plain_text, visible


def test_a_blank_line_separates_paragraphs_and_single_line_breaks_stay_inside_one():
    text = "Erste Zeile\nzweite Zeile\n\nNeuer Absatz"
    assert parse_blocks(text) == (Paragraph(("Erste Zeile", "zweite Zeile")), Paragraph(("Neuer Absatz",)))


def test_list_lines_directly_after_a_paragraph_become_a_list_after_that_paragraph():
    text = "Die Services sind:\n- Bescheinigung nach dem ProstSchG\n- Beantragung von Planauszügen"
    assert parse_blocks(text) == (
        Paragraph(("Die Services sind:",)),
        BulletList(("Bescheinigung nach dem ProstSchG", "Beantragung von Planauszügen")),
    )


def test_a_line_without_dash_after_a_list_starts_a_new_paragraph():
    text = "- A\n- B\nDanach weiter."
    assert parse_blocks(text) == (BulletList(("A", "B")), Paragraph(("Danach weiter.",)))


def test_an_indented_line_after_an_item_continues_the_item():
    text = "- Umstellung der Provider auf VoIP-Technologie ohne\n  Nischenmöglichkeit\n- zweiter Punkt"
    assert parse_blocks(text) == (
        BulletList(("Umstellung der Provider auf VoIP-Technologie ohne Nischenmöglichkeit", "zweiter Punkt")),
    )


def test_bullets_pasted_from_word_count_as_list_items():
    assert parse_blocks("• VOIS\n• Autista\n– Gewerbe Online") == (BulletList(("VOIS", "Autista", "Gewerbe Online")),)


def test_a_dash_without_space_is_text_not_a_list():
    assert parse_blocks("-5 % gegenüber Plan\n-- Ende") == (Paragraph(("-5 % gegenüber Plan", "-- Ende")),)


def test_lettered_items_stay_paragraph_lines_as_the_lead_wrote_them():
    assert parse_blocks("a) Speicherbeschaffung\nb) WAN-Verbindung") == (
        Paragraph(("a) Speicherbeschaffung", "b) WAN-Verbindung")),
    )


def test_windows_line_ends_whitespace_lines_and_surrounding_blank_lines_are_normalised():
    text = "\r\n  \r\nEins  \r\n \t \r\n\r\nZwei\r\n\r\n"
    assert parse_blocks(text) == (Paragraph(("Eins",)), Paragraph(("Zwei",)))


def test_no_text_gives_no_blocks():
    assert parse_blocks(None) == ()
    assert parse_blocks("") == ()
    assert parse_blocks("\n\n") == ()


def test_control_characters_that_xml_cannot_carry_are_removed_but_tabs_stay():
    assert clean_text("a\x00b\x07c\x1bd\tE\ufffe") == "ab" + "cd\tE"
    assert parse_blocks("Text\x00 mit\x0b Steuerzeichen") == (Paragraph(("Text mit Steuerzeichen",)),)


def test_blocks_turn_back_into_stored_text_with_an_optional_indent():
    blocks = parse_blocks("Die Services sind:\n- A\n- B\n\nEnde")
    assert plain_text(blocks) == "Die Services sind:\n\n- A\n- B\n\nEnde"
    assert plain_text(blocks, "    ").splitlines()[2] == "    - A"


def test_blocks_say_what_kind_they_are_for_templates():
    paragraph, bullets = parse_blocks("Satz\n- Punkt")
    assert (paragraph.kind, bullets.kind) == ("paragraph", "list")
    assert paragraph.text == "Satz"


def test_two_lists_separated_by_a_blank_line_stay_two_lists():
    assert parse_blocks("- A\n\n- B") == (BulletList(("A",)), BulletList(("B",)))


def test_visible_removes_exactly_the_format_characters_this_python_knows() -> None:
    """The one regex class of ``visible`` against unicodedata, for every code point: nothing visible is lost,
    no invisible formatting character stays (a newer Unicode may only add code points still unassigned here)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    kept = set(visible(everything))
    removed = set(everything) - kept
    assert {c for c in removed if unicodedata.category(c) not in ("Cf", "Cn")} == set()
    assert {c for c in kept if unicodedata.category(c) == "Cf"} == set()
    assert visible("Mehrkosten: \u202e0001\u202c Euro, Post\u00adfächer\u200b") == "Mehrkosten: 0001 Euro, Postfächer"
