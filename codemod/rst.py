"""reStructuredText, as the transforms' docstrings use it, turned into plain text for a terminal.

Only what those docstrings hold: inline literals (````x````), roles (``:code:`x```), emphasis,
backslash escapes, and literal blocks introduced by ``::`` (``Example::`` becomes ``Example:``,
the block is kept verbatim). Text inside literals is never touched.
"""

from __future__ import annotations

import re

_INLINE = re.compile(
    r"``(?P<literal>.+?)``"  # inline literal: verbatim
    r"|:[\w-]+:`(?P<role>[^`]+)`"  # :role:`text`
    r"|`(?P<link>[^`<]+?)(?:\s*<[^>]*>)?`__?"  # `text <url>`_
    r"|`(?P<interpreted>[^`]+)`"  # `interpreted text`
    r"|(?<![\w*])\*\*(?P<strong>[^*]+)\*\*(?![\w*])"
    r"|(?<![\w*])\*(?P<emphasis>[^*\s][^*]*)\*(?![\w*])"
    r"|\\(?P<escaped>.)"  # \x → x
    r"|\\(?P<trailing>$)",
    re.S,
)


def _inline(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        for group in ("literal", "role", "link", "interpreted", "strong", "emphasis"):
            value = match.group(group)
            if value is not None:
                return value
        escaped = match.group("escaped")
        if escaped is not None:
            return "" if escaped in " \n" else escaped
        return ""

    return _INLINE.sub(replace, text)


def rst_to_text(doc: str) -> str:
    """Plain text of a docstring in reStructuredText; literal blocks keep their indentation.

    Inline markup is read paragraph by paragraph, so that a literal may span two lines.
    """
    out: list[str] = []
    paragraph: list[str] = []
    introducer: int | None = None  # indentation of the line that ended in "::", until its block starts
    block: int | None = None  # inside a literal block: lines indented deeper than this are verbatim

    def flush() -> None:
        if paragraph:
            out.extend(_inline("\n".join(paragraph)).split("\n"))
            paragraph.clear()

    for line in doc.expandtabs(4).strip("\n").splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block is not None:
            if not stripped or indent > block:
                out.append(line.rstrip())
                continue
            block = None
        if introducer is not None and stripped:
            if indent > introducer:
                block, introducer = introducer, None
                out.append(line.rstrip())
                continue
            introducer = None
        if not stripped:
            flush()
            out.append("")
            continue
        if stripped.endswith("::"):
            introducer = indent
            if stripped == "::":  # a bare "::" paragraph introduces the block and prints nothing
                flush()
                continue
            head = line.rstrip()[:-2]
            paragraph.append(head.rstrip() if head.endswith(" ") else head + ":")
            flush()
            continue
        paragraph.append(line.rstrip())
    flush()
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)
