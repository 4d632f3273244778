"""summary.md as HTML, for `coach serve --batch-dir`.

The summary is Markdown that `coach batch` writes itself (headings, lists, a numbered
list with nested items, a quote, bold, code and links), so this reads that subset
rather than bringing in a Markdown library. Everything is escaped; a link's target goes
through ``link``, which maps it to a URL of the app or drops the link (its text stays).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from coach.render.html import e

LinkFn = Callable[[str], str | None]

_INLINE = re.compile(r"\*\*(?P<b>.+?)\*\*|`(?P<c>[^`]+)`|\[(?P<t>[^\]]*)\]\((?P<h>[^)\s]*)\)")
_ITEM = re.compile(r"^(?P<ind> *)(?P<mark>[-*]|\d+\.) (?P<text>.*)$")


def inline(text: str, link: LinkFn) -> str:
    """Bold, code and links in one line of Markdown; the rest escaped."""
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(e(text[pos:m.start()]))
        if m.group("b") is not None:
            out.append(f"<strong>{inline(m.group('b'), link)}</strong>")
        elif m.group("c") is not None:
            out.append(f"<code>{e(m.group('c'))}</code>")
        else:
            label = inline(m.group("t"), lambda _h: None)
            href = link(m.group("h"))
            out.append(f'<a href="{e(href)}">{label}</a>' if href else label)
        pos = m.end()
    out.append(e(text[pos:]))
    return "".join(out)


def to_html(markdown: str, link: LinkFn) -> str:
    """The summary's blocks: headings, paragraphs, quotes, lists (one level of nesting)."""
    html: list[str] = []
    para: list[str] = []
    lists: list[tuple[str, int]] = []  # open lists: (tag, indent)

    def close_para() -> None:
        if para:
            html.append(f"<p>{inline(' '.join(para), link)}</p>")
            para.clear()

    def close_lists(indent: int = -1) -> None:
        while lists and lists[-1][1] > indent:
            html.append(f"</li></{lists.pop()[0]}>")

    for raw in markdown.splitlines():
        line = raw.rstrip()
        item = _ITEM.match(line)
        if not line.strip():
            close_para()
            continue
        if item:
            close_para()
            indent = len(item.group("ind"))
            tag = "ol" if item.group("mark")[0].isdigit() else "ul"
            close_lists(indent)
            if lists and lists[-1][1] == indent and lists[-1][0] != tag:
                close_lists(indent - 1)
            if lists and lists[-1][1] == indent:
                html.append("</li>")
            else:
                html.append(f"<{tag}>")
                lists.append((tag, indent))
            html.append(f"<li>{inline(item.group('text'), link)}")
            continue
        if lists and raw.startswith(" ") and not para:  # a list item's continued line
            html.append(" " + inline(line.strip(), link))
            continue
        close_lists()
        heading = re.match(r"^(#{1,6}) (.*)$", line)
        if heading:
            close_para()
            n = len(heading.group(1))
            html.append(f"<h{n}>{inline(heading.group(2), link)}</h{n}>")
        elif line.startswith(">"):
            close_para()
            html.append(f"<blockquote>{inline(line.lstrip('> '), link)}</blockquote>")
        else:
            para.append(line.strip())
    close_para()
    close_lists()
    return "\n".join(html)
