"""HTML mail bodies -> plain text lines, cutting the quoted original on the DOM first (selectolax/lexbor)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Elements that start and end a line of their own.
_BLOCKS = frozenset(
    "address article aside blockquote center dd div dl dt fieldset figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody tfoot thead tr ul caption".split()
)
_SKIP = frozenset("head style script title xml template noscript img object video audio svg".split())
_CELLS = frozenset({"td", "th"})

# Markers after which everything is the quoted original (REPLIES.md §3.1/3.2): remove marker and all that follows.
_CUT_SELECTORS = (
    "#divRplyFwdMsg",
    "#x_divRplyFwdMsg",
    "#appendonsend",
    "#x_appendonsend",
    "#mail-editor-reference-message-container",
    ".ms-outlook-mobile-reference-message",
    "#OLK_SRC_BODY_SECTION",
    "hr#stopSpelling",
    "[id^=yahoo_quoted]",
    ".yahoo_quoted",
)
# Quotes that are removed alone, so text typed below them (bottom posting) survives.
_DROP_SELECTORS = (
    "blockquote[type=cite]",
    ".moz-cite-prefix",
    ".gmail_quote",
    "div[name=quote]",
    "#Signature",
    "#x_Signature",
)
# One query per group: lexbor walks the tree once per query, not once per selector.
_CUT_QUERY = ", ".join(_CUT_SELECTORS)
_DROP_QUERY = ", ".join(_DROP_SELECTORS)
# Outlook desktop's separator: Outlook 2007/2010 #B5C4DF, 2013+ #E1E1E1, with or without spaces.
_OUTLOOK_BORDER = re.compile(r"border-top:(?:solid)?#(?:e1e1e1|b5c4df)|border-top:solid#[0-9a-f]{6}[\d.]+pt;padding:3")
_HEADER_WORDS = re.compile(r"\b(?:Von|From|Gesendet|Sent|Datum|Date|Betreff|Subject)\s*:", re.I)
_WS = re.compile(r"[ \t\r\n\f]+")
_BLANK_RUN = re.compile(r"\n{3,}")
_ITEM_START = re.compile(r"^\s*(?:- |\d{1,3}[.)] )")
_NUMBERING = re.compile(r"^\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)]$")


class _Lines:
    """Collects text into lines; soft breaks never produce empty lines, hard ones may."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        # State of "".join(buf), kept as we go instead of joining on every call (long lines were quadratic).
        self.filled = False  # has a character other than space and nbsp
        self.space_end = False  # ends with a space
        # A list item's "- " or "1. ", written only in front of the item's first visible text: Word and the new
        # Outlook put <p>/<div> blocks inside <li>, and an item without text must leave no lone dash behind.
        self.pending = ""

    def mark(self, prefix: str) -> None:
        self.soft()
        self.pending = prefix

    def unmark(self) -> None:
        self.pending = ""

    def text(self, value: str) -> None:
        if self.pending:
            if not value.strip(" \xa0"):
                return  # whitespace before an item's text
            self.soft()
            self.buf.append(self.pending)
            self.pending, self.space_end = "", True
        if not self.buf or self.space_end:
            value = value.lstrip(" ")
        if value:
            self.buf.append(value)
            self.space_end = value.endswith(" ")
            self.filled = self.filled or bool(value.strip(" \xa0"))

    def soft(self) -> None:
        if self.filled:
            self.hard()
        else:
            self._reset()

    def hard(self) -> None:
        if self.pending and not self.buf:
            return  # a <br> before an item's text
        self.lines.append("".join(self.buf).rstrip())
        self._reset()

    def _reset(self) -> None:
        self.buf = []
        self.filled = self.space_end = False

    def blank(self) -> None:
        self.soft()
        if self.lines and self.lines[-1].strip(" \xa0"):
            self.lines.append("")

    def emitted(self) -> int:
        return len(self.lines) + (1 if self.filled else 0)


def _style(node: LexborNode) -> str:
    return (node.attributes.get("style") or "").lower().replace(" ", "").replace("\n", "")


def _is_outlook_separator(node: LexborNode) -> bool:
    if not _OUTLOOK_BORDER.search(_style(node)):
        return False
    # Only a separator when a header block follows; a lead's own bordered box is content.
    return bool(_HEADER_WORDS.search((node.text(deep=True) or "")[:600]))


def _first_in_order(root: LexborNode, candidates: list[LexborNode]) -> LexborNode | None:
    wanted = {c.mem_id for c in candidates}
    if len(wanted) == 1:
        return candidates[0]  # traverse() yields root and all it contains, so the only candidate is the first
    for node in root.traverse():
        if node.mem_id in wanted:
            return node
    return None


def _remove_from(node: LexborNode) -> None:
    """Remove node and everything after it in document order."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html", "-document"):
        sibling = current.next
        while sibling is not None:
            following = sibling.next
            sibling.decompose()
            sibling = following
        current = current.parent
    node.decompose()


def _inside(node: LexborNode, ids: set[int], root: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != root.mem_id:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def cut_quotes(tree: LexborHTMLParser) -> bool:
    """Remove the quoted original from the DOM; True when a quote marker was found."""
    root = tree.body or tree.root
    if root is None:
        return False
    # The selectors look at the node alone, so removing all matches at once leaves the same tree as one
    # selector after the other; nodes inside another match go with it.
    drops = root.css(_DROP_QUERY)
    dropped = {node.mem_id for node in drops}
    for node in drops:
        if not _inside(node, dropped, root):
            node.decompose()
    found = bool(drops)
    candidates = root.css(_CUT_QUERY)
    candidates += [n for n in root.css("div[style], p[style]") if _is_outlook_separator(n)]
    first = _first_in_order(root, candidates) if candidates else None
    if first is not None:
        _remove_from(first)
        found = True
    return found


def _list_prefix(node: LexborNode) -> str | None:
    """Outlook Word lists carry the bullet in a `mso-list:Ignore` span: read it, drop it, return '- ' or '1. '."""
    for span in node.css("span"):
        if "mso-list:ignore" in _style(span):
            marker = (span.text(deep=True) or "").replace("\xa0", " ").strip()
            span.decompose()
            return f"{marker} " if _NUMBERING.match(marker) else "- "
    return "- " if "mso-list:" in _style(node) else None


class _Renderer:
    def __init__(self, word_html: bool) -> None:
        self.out = _Lines()
        self.word_html = word_html  # Word HTML: every <p> is one line, empty <p> are blank lines
        self.pre = 0
        self.items = 0  # depth of <li> around the node

    def render(self, node: LexborNode) -> None:
        child = node.child
        while child is not None:
            self.node(child)
            child = child.next

    def node(self, node: LexborNode) -> None:
        tag = node.tag or ""
        if tag == "-text":
            raw = node.text(deep=False) or ""
            self.out.text(raw if self.pre else _WS.sub(" ", raw))
            return
        if tag.startswith("-") or tag in _SKIP or "display:none" in _style(node):
            return
        if tag == "br":
            self.out.hard()
            return
        if tag == "tr":
            self.row(node)
            return
        if tag in _CELLS:  # a cell outside a row: render inline
            self.render(node)
            return
        if tag not in _BLOCKS:
            self.render(node)
            return
        self.block(node, tag)

    def row(self, node: LexborNode) -> None:
        """A table row is one line with tab-separated cells (`Ampel:\tgrün`); extra cell lines follow it."""
        cells: list[list[str]] = []
        for cell in node.iter():
            if cell.tag in _CELLS:
                sub = _Renderer(self.word_html)
                sub.render(cell)
                sub.out.soft()
                lines = [line for line in sub.out.lines]
                while lines and not lines[0].strip(" \xa0"):
                    lines.pop(0)
                while lines and not lines[-1].strip(" \xa0"):
                    lines.pop()
                cells.append(lines)
        cells = [c for c in cells if any(line.strip(" \xa0") for line in c)]
        self.out.soft()
        if not cells:
            return
        if any(_ITEM_START.match(c[0]) for c in cells[1:]):
            # A list in a cell (Word tables pasted into the answer): the cells one below the other, so each item
            # stays a line of its own instead of sticking to the cell beside it.
            lines = [line for c in cells for line in c]
        else:
            lines = ["\t".join(c[0].strip() for c in cells), *(line for c in cells for line in c[1:])]
        for line in lines:
            self.out.text(line)
            self.out.hard()

    def block(self, node: LexborNode, tag: str) -> None:
        self.out.soft()
        before = self.out.emitted()
        prefix = _item_prefix(node) if tag == "li" else _list_prefix(node) if tag == "p" else None
        if prefix is not None:
            self.out.mark(prefix)
        if tag == "pre":
            self.pre += 1
        self.items += tag == "li"
        self.render(node)
        self.items -= tag == "li"
        if tag == "pre":
            self.pre -= 1
        if prefix is not None:
            self.out.unmark()  # an item without text leaves nothing
        if tag == "p" and self.word_html and self.out.emitted() == before:
            self.out.hard()  # Outlook's empty <p class=MsoNormal>&nbsp;</p> is a blank line
        elif tag == "p" and not self.word_html and not self.items:
            self.out.blank()  # paragraphs inside a list item stay lines of that item, as a plain answer has them
        else:
            self.out.soft()


def _item_prefix(node: LexborNode) -> str:
    parent = node.parent
    if parent is not None and parent.tag == "ol":
        return f"{1 + sum(1 for s in _prev_siblings(node) if s.tag == 'li')}. "
    return "- "


def _prev_siblings(node: LexborNode) -> list[LexborNode]:
    result = []
    sibling = node.prev
    while sibling is not None:
        result.append(sibling)
        sibling = sibling.prev
    return result


def _render(tree: LexborHTMLParser, html: str) -> str:
    root = tree.body or tree.root
    if root is None:
        return ""
    renderer = _Renderer(word_html="mso" in html[:200_000].lower())
    renderer.render(root)
    renderer.out.soft()
    lines = [line.replace("\xa0", " ").rstrip() for line in renderer.out.lines]
    text = "\n".join(lines)
    return _BLANK_RUN.sub("\n\n", text).strip("\n")


def _structured(tree: LexborHTMLParser) -> bool:
    root = tree.body or tree.root
    if root is None:
        return False
    if root.css_first("li, table, p.MsoListParagraph, p.MsoListParagraphCxSpFirst") is not None:
        return True
    return any(":" in (n.text(deep=True) or "") for n in root.css("b, strong"))


def html_to_text(html: str, *, cut: bool = True) -> tuple[str, bool]:
    """Render HTML as text lines; with cut=True the quoted original is removed first. Returns (text, cut)."""
    tree = LexborHTMLParser(html)
    was_cut = cut_quotes(tree) if cut else False
    return _render(tree, html), was_cut


def has_structure(html: str) -> bool:
    """Does the new part of this HTML carry lists, tables or bold labels a text/plain part may have lost?"""
    tree = LexborHTMLParser(html)
    cut_quotes(tree)
    return _structured(tree)


def new_text(html: str, *, unless_plain: bool) -> str | None:
    """html_to_text(html)[0], or with unless_plain None when not has_structure(html); one parse and cut for both."""
    tree = LexborHTMLParser(html)
    cut_quotes(tree)
    if unless_plain and not _structured(tree):
        return None
    return _render(tree, html)
