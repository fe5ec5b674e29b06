"""html_to_text(): Outlook Word HTML, OWA, Gmail/Thunderbird/GMX quotes cut on the DOM."""

from __future__ import annotations

from kgrz_mailbot.replies.htmltext import has_structure, html_to_text, new_text

WORD = "<html><body><div class=WordSection1>{}</div></body></html>"
QUOTE_FOLLOWS = "<p class=MsoNormal><b>Von:</b> KGRZ<br><b>Gesendet:</b> Mittwoch<br><b>Betreff:</b> x</p>"


def p(text: str) -> str:
    return f"<p class=MsoNormal>{text}<o:p></o:p></p>"


def test_word_paragraphs_are_lines_and_empty_paragraphs_blank_lines() -> None:
    html = WORD.format(p("Stand:") + p("Zeile 1") + p("<o:p>&nbsp;</o:p>") + p("Absatz&nbsp;2"))
    assert html_to_text(html) == ("Stand:\nZeile 1\n\nAbsatz 2", False)


def test_outlook_separator_cuts_everything_after() -> None:
    sep = ("<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
           + QUOTE_FOLLOWS + "</div></div>")
    html = WORD.format(p("Stand: neu") + sep + p("Stand:") + p("Ampel:"))
    assert html_to_text(html) == ("Stand: neu", True)


def test_bordered_box_without_header_block_is_content() -> None:
    box = "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>" + p("Kasten") + "</div>"
    assert html_to_text(WORD.format(p("Stand: a") + box))[0] == "Stand: a\nKasten"


def test_owa_divrplyfwdmsg_and_appendonsend() -> None:
    html = ("<div>Stand: neu</div><div id=appendonsend></div><hr tabindex=-1><div id=divRplyFwdMsg><b>Von:</b> x"
            "</div><div>Stand:</div>")
    assert html_to_text(html) == ("Stand: neu", True)


def test_blockquote_cite_and_gmail_and_gmx_quotes() -> None:
    for quote in ('<blockquote type="cite">Stand:</blockquote>',
                  '<div class="gmail_quote"><div class="gmail_attr">Am … schrieb:</div><blockquote>Stand:</blockquote>'
                  "</div>", '<div name="quote"><b>Gesendet:</b> x<br>Stand:</div>'):
        assert html_to_text(f"<div>Stand: neu</div>{quote}")[0] == "Stand: neu"


def test_own_blockquote_without_cite_is_kept() -> None:
    assert html_to_text("<div>Stand:</div><blockquote>zitiert aus dem Gutachten</blockquote>")[0] == (
        "Stand:\nzitiert aus dem Gutachten")


def test_outlook_list_paragraphs_become_dash_items_and_numbers_stay() -> None:
    def item(marker: str, text: str) -> str:
        return (f"<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]>"
                f"<span style='font-family:Symbol'><span style='mso-list:Ignore'>{marker}"
                "<span style='font:7.0pt'>&nbsp;&nbsp; </span></span>"
                f"</span><![endif]>{text}</p>")

    html = WORD.format(item("·", "eins") + item("o", "unterpunkt") + item("1.", "erstens") + item("a)", "a-Punkt"))
    assert html_to_text(html)[0] == "- eins\n- unterpunkt\n1. erstens\na) a-Punkt"


def test_html_lists() -> None:
    assert html_to_text("<ul><li>A</li><li>B</li></ul><ol><li>X</li><li>Y</li></ol>")[0] == "- A\n- B\n1. X\n2. Y"


def test_table_rows_are_tab_separated_lines() -> None:
    html = ("<table><tr><td><b>Ampel:</b></td><td>grün</td></tr>"
            "<tr><td>Stand:</td><td><p>a</p><p>b</p></td></tr></table>")
    assert html_to_text(html)[0] == "Ampel:\tgrün\nStand:\ta\n\nb"


def test_styles_comments_and_hidden_elements_are_dropped() -> None:
    html = ("<html><head><style>p{}</style></head><body><!--[if gte mso 9]><xml>x</xml><![endif]-->"
            "<span style='display:none'>Vorschau</span><div>Text</div></body></html>")
    assert html_to_text(html)[0] == "Text"


def test_gmail_divs_and_brs() -> None:
    assert html_to_text("<div>Zeile 1</div><div><br></div><div>Zeile 2<br>Zeile 3</div>")[0] == (
        "Zeile 1\n\nZeile 2\nZeile 3")


def test_structure_detection() -> None:
    assert has_structure("<ul><li>x</li></ul>")
    assert has_structure("<p><b>Stand:</b> x</p>")
    assert not has_structure("<div>plain text</div>")


def test_nested_quotes_are_dropped_once_with_their_container() -> None:
    html = ('<div>Stand: neu</div><blockquote type="cite"><div class="gmail_quote">alt<div id="Signature">S</div>'
            '</div></blockquote><div class="moz-cite-prefix">Am … schrieb:</div><div>unten</div>')
    assert html_to_text(html) == ("Stand: neu\nunten", True)


def test_first_of_several_cut_markers_wins() -> None:
    sep = ("<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>" + QUOTE_FOLLOWS
           + "</div>")
    html = WORD.format(p("Stand: neu") + sep + p("mitte") + "<div id=divRplyFwdMsg>x</div>" + p("alt"))
    assert html_to_text(html) == ("Stand: neu", True)
    html = WORD.format(p("Stand: neu") + "<div id=appendonsend></div>" + p("mitte") + sep + p("alt"))
    assert html_to_text(html) == ("Stand: neu", True)


def test_new_text_parses_once_for_structure_and_text() -> None:
    for html in ("<ul><li>x</li></ul><div id=divRplyFwdMsg>alt</div>", "<div>plain</div>",
                 "<p><b>Stand:</b> x</p><blockquote type=cite><ul><li>alt</li></ul></blockquote>", ""):
        expected = html_to_text(html)[0] if has_structure(html) else None
        assert new_text(html, unless_plain=True) == expected
        assert new_text(html, unless_plain=False) == html_to_text(html)[0]


def test_list_items_holding_paragraphs_divs_and_spans_are_dash_items_without_lone_dashes() -> None:
    for item in ("<p>{}</p>", "<div>{}</div>", "<div role=presentation class=elementToProof>{}</div>",
                 "<span style='color:#C00000'>{}</span>", "<p class=MsoNormal>{}<o:p></o:p></p>"):
        html = "<div>Stand:</div><ul><li>" + item.format("eins") + "</li><li>" + item.format("zwei") + "</li></ul>"
        assert html_to_text(html)[0] == "Stand:\n- eins\n- zwei", item


def test_a_second_paragraph_of_an_item_stays_with_it_and_numbers_come_before_the_text() -> None:
    html = "<ol><li><p>erstens</p><p>mit Erläuterung</p></li><li><div><br></div><div>zweitens</div></li></ol>"
    assert html_to_text(html)[0] == "1. erstens\nmit Erläuterung\n2. zweitens"


def test_empty_list_items_leave_nothing() -> None:
    html = "<ul><li></li><li><br></li><li>&nbsp;</li><li><p></p></li><li>echt</li></ul>"
    assert html_to_text(html)[0] == "- echt"


def test_nested_lists_are_items_of_their_own() -> None:
    html = "<ul><li>eins<ul><li>unter a</li><li><p>unter b</p></li></ul></li><li><ul><li>nur unter</li></ul></li></ul>"
    assert html_to_text(html)[0] == "- eins\n- unter a\n- unter b\n- nur unter"


def test_an_empty_word_list_paragraph_is_no_item() -> None:
    empty = ("<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]>"
             "<span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt'>&nbsp;&nbsp; "
             "</span></span></span><![endif]><o:p>&nbsp;</o:p></p>")
    assert html_to_text(WORD.format(p("Stand:") + empty + p("weiter")))[0] == "Stand:\n\nweiter"


def test_a_list_in_a_table_cell_keeps_its_items_on_lines_of_their_own() -> None:
    table = ("<table><tr><td><p class=MsoNormal>Bis 31.10.2018</p></td><td><ul><li>Amt 20</li><li>Amt 30</li></ul>"
             "</td></tr><tr><td><p class=MsoNormal>Bis 15.12.2018</p></td><td><p class=MsoNormal>Rest</p></td></tr>"
             "</table>")
    assert html_to_text(WORD.format(table))[0] == "Bis 31.10.2018\n- Amt 20\n- Amt 30\nBis 15.12.2018\tRest"
