"""Plain Unicode text <-> the LaTeX subset written to refs.bib.

``to_latex`` escapes LaTeX specials outside ``$…$`` math and brace-protects case-sensitive
words of titles; ``to_text`` inverts exactly what ``to_latex`` writes, so readers of refs.bib
(the Sphinx extension, ``survey check``) get the original text back.
"""

from __future__ import annotations

import re

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    '"': '{"}',
}
_UNESCAPES = {latex: char for char, latex in _SPECIALS.items()}
_UNESCAPE = re.compile("|".join(re.escape(latex) for latex in sorted(_UNESCAPES, key=len, reverse=True)))
_MATH = re.compile(r"(?<!\\)\$[^$]+(?<!\\)\$")
_WORD = re.compile(r"\S+")


def escape(text: str) -> str:
    """Escape every LaTeX special character (no math handling): for names and plain fields."""
    return "".join(_SPECIALS.get(char, char) for char in text)


def _needs_protection(word: str) -> bool:
    """Words whose capitals carry meaning: acronyms, CamelCase, letters mixed with digits."""
    return any(_part_needs_protection(part) for part in word.split("-"))


def _part_needs_protection(part: str) -> bool:
    core = part.strip(".,:;!?()[]'")
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return False
    if any(c.isdigit() for c in core) or any(c.isupper() for c in letters[1:]):
        return True
    return len(core) == 1 and core.isupper() and core != "A"


def _escape_title_text(text: str) -> str:
    """Escape plain title text word by word, bracing words whose capitals matter."""
    return _WORD.sub(
        lambda m: "{" + escape(m.group(0)) + "}" if _needs_protection(m.group(0)) else escape(m.group(0)), text
    )


def title_to_latex(title: str) -> str:
    """Escape a title, keeping ``$…$`` math verbatim and brace-protecting words such as
    ``ViT``, ``BERT``, ``COCO`` and ``3D`` that sentence-casing styles must not lowercase."""
    parts, last = [], 0
    for match in _MATH.finditer(title):
        parts.append(_escape_title_text(title[last : match.start()]))
        parts.append("{" + match.group(0) + "}")
        last = match.end()
    parts.append(_escape_title_text(title[last:]))
    return "".join(parts)


def to_text(latex: str) -> str:
    """Invert ``escape``/``title_to_latex``: drop protective braces, decode our escapes."""
    out, i = [], 0
    while i < len(latex):
        match = _UNESCAPE.match(latex, i)
        if match:
            out.append(_UNESCAPES[match.group(0)])
            i = match.end()
        elif latex[i] in "{}":
            i += 1
        else:
            out.append(latex[i])
            i += 1
    return "".join(out)
