"""TeX-ish source text -> Unicode (``decode``), Unicode -> the LaTeX written to refs.bib
(``escape``, ``title_to_latex``), and refs.bib LaTeX -> Unicode again (``to_text``).

The TeX <-> Unicode tables are pylatexenc's; what is ours: ``$…$`` math is kept verbatim in
both directions, case-sensitive title words are brace-protected, characters pylatexenc has no
macro for are spelled with T1 accent commands from their Unicode decomposition (Vietnamese
double diacritics: ``ễ`` -> ``{\\~{\\^e}}``), and the ASCII output compiles with pdfLaTeX.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

#: ASCII characters that are special to (La)TeX or BibTeX, as written to refs.bib.
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{: BibTeX counts that brace too
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
#: Non-ASCII punctuation with a classic (La)TeX ligature that every BibTeX style handles.
_LIGATURES = {
    "\u2013": "--",
    "\u2014": "---",
    "\u201c": "``",
    "\u201d": "''",
    "\u00a0": "~",
}
#: Combining marks with a T1 accent command (pdfLaTeX's default font encoding).
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}
_MATH = re.compile(r"(?<!\\)\$[^$]+(?<!\\)\$")
_WORD = re.compile(r"\S+")
_ENSUREMATH = re.compile(r"^\{\\ensuremath\{(.*)\}\}$", re.S)
_NEEDS_DECODING = re.compile(r"[\\{}~]|--|``|''")
_RAW_PERCENT = re.compile(r"(?<!\\)%")

_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
_TO_TEXT = LatexNodes2Text(math_mode="verbatim", keep_comments=True)
_MATH_TO_TEXT = LatexNodes2Text(math_mode="text")


# --- the way in: source metadata ---------------------------------------------------------------


def decode(text: str) -> str:
    """Source metadata (arXiv's TeX-ish titles and names) as plain Unicode; ``$…$`` math stays.

    ``Schr\\"odinger`` -> ``Schrödinger``, ``Erd\\H{o}s--R\\'enyi`` -> ``Erdős–Rényi``; a bare
    ``%`` is a percent sign (arXiv titles hold no TeX comments); braces only group.
    """
    text = " ".join(text.split())
    if not _NEEDS_DECODING.search(text):
        return text
    parts, last = [], 0
    for match in _MATH.finditer(text):
        parts.append(_decode_text(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_decode_text(text[last:]))
    return " ".join("".join(parts).split())


def _decode_text(text: str) -> str:
    if not _NEEDS_DECODING.search(text):
        return text
    decoded: str = _TO_TEXT.latex_to_text(_RAW_PERCENT.sub(r"\\%", text))
    return unicodedata.normalize("NFC", decoded.replace("\u00a0", " "))


# --- the way out: refs.bib ---------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _char_to_latex(char: str) -> str | None:
    """One non-ASCII character as pdfLaTeX-safe ASCII, or None when T1 has no exact way to set
    it. Every candidate must decode back to the same character: pylatexenc's table also holds
    look-alikes (``Ħ`` as ``\\=H``), which would print the wrong letter."""
    if char in _LIGATURES:
        return _LIGATURES[char]
    encoded: str = _ENCODER.unicode_to_latex(char)
    if encoded != char:
        math = _ENSUREMATH.match(encoded)
        candidate = "{$" + math.group(1) + "$}" if math else encoded
        if _decodes_to(candidate, char):
            return candidate
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not base.isascii() or any(m not in _ACCENTS for m in marks):
        return None
    latex = base
    for mark in marks:  # innermost accent first: ễ = e + circumflex + tilde -> \~{\^{e}}
        latex = f"\\{_ACCENTS[mark]}{{{latex}}}"
    return "{" + latex + "}" if _decodes_to("{" + latex + "}", char) else None


def _decodes_to(latex: str, char: str) -> bool:
    math = _MATH.search(latex)
    text = _MATH_TO_TEXT.latex_to_text(math.group(0)) if math else _TO_TEXT.latex_to_text(latex)
    return bool(unicodedata.normalize("NFC", text) == char)


#: ASCII pairs that TeX fonts set as one glyph (-- –, `` “, !` ¡, << «, ,, „): split by ``{}``.
_LIGATURE_PAIRS = {"--", "``", "''", "!`", "?`", "<<", ">>", ",,"}
_NEEDS_ESCAPE = re.compile(r"[\\{}&%$#_~^\"]|--|``|''|[!?]`|<<|>>|,,|[^\x00-\x7f]")


def escape(text: str, *, ascii: bool = True) -> str:
    """Escape LaTeX specials (no math handling): names and plain fields.

    With ``ascii`` (the default, for classic BibTeX + pdfLaTeX) non-ASCII characters become
    LaTeX commands; characters T1 cannot set stay as they are (see ``unencodable``).
    """
    if not _NEEDS_ESCAPE.search(text):
        return text
    out, previous = [], ""
    for char in text:
        if previous + char in _LIGATURE_PAIRS:
            out.append("{}")
        previous = char
        if char.isascii():
            out.append(_SPECIALS.get(char, char))
        elif ascii:
            out.append(_char_to_latex(char) or char)
        else:
            out.append(char)
    return "".join(out)


def unencodable(text: str) -> list[str]:
    """The characters of ``text`` that pdfLaTeX's T1 encoding cannot set, in order, once each."""
    return list(dict.fromkeys(c for c in text if not c.isascii() and _char_to_latex(c) is None))


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


def _escape_title_text(text: str, ascii: bool) -> str:
    """Escape plain title text word by word, bracing words whose capitals matter."""

    def word(match: re.Match[str]) -> str:
        escaped = escape(match.group(0), ascii=ascii)
        return "{" + escaped + "}" if _needs_protection(match.group(0)) else escaped

    return _WORD.sub(word, text)


def title_to_latex(title: str, *, ascii: bool = True) -> str:
    """Escape a title, keeping ``$…$`` math verbatim and brace-protecting words such as
    ``ViT``, ``BERT``, ``COCO`` and ``3D`` that sentence-casing styles must not lowercase."""
    parts, last = [], 0
    for match in _MATH.finditer(title):
        parts.append(_escape_title_text(title[last : match.start()], ascii))
        parts.append("{" + match.group(0) + "}")
        last = match.end()
    parts.append(_escape_title_text(title[last:], ascii))
    return "".join(parts)


# --- refs.bib back to text (the site) ----------------------------------------------------------


def to_text(latex: str) -> str:
    """refs.bib LaTeX as plain Unicode for the site's previews and index: protective braces
    dropped, commands decoded, math kept, except one-symbol math, which is how a symbol such as
    Ω is written to refs.bib (``{$\\Omega$}-Nets`` -> ``Ω-Nets``)."""
    return _to_unicode(latex, _TO_TEXT, _MATH_TO_TEXT)


def to_unicode_braced(latex: str) -> str:
    """refs.bib LaTeX with its special characters (``{\\"o}``, ``{\\~{\\^{e}}}``, ``{\\DJ}``: a
    brace group that starts with a command) decoded, everything else left as written: what
    pybtex's own formatting (latexcodec, sentence case) then handles right."""
    if "{\\" not in latex:
        return latex
    out, i = [], 0
    while (start := latex.find("{\\", i)) >= 0:
        end, depth = start, 0
        for end in range(start, len(latex)):
            depth += {"{": 1, "}": -1}.get(latex[end], 0)
            if depth == 0:
                break
        group = latex[start : end + 1]
        char = _special_character(group) if depth == 0 else ""
        out.append(latex[i:start])
        out.append(char if len(char) == 1 and not char.isascii() else group)
        i = start + len(group)
    out.append(latex[i:])
    return "".join(out)


_OWN_ESCAPES = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
}
_OWN_ESCAPE = re.compile("|".join(re.escape(e) for e in _OWN_ESCAPES))
_PLAIN = re.compile(r"[\\~`'$-]")


def _to_unicode(latex: str, converter: LatexNodes2Text, math: LatexNodes2Text | None) -> str:
    if not _PLAIN.search(latex):
        return latex.replace("{", "").replace("}", "") if converter is _TO_TEXT else latex
    parts, last = [], 0
    for match in _MATH.finditer(latex):
        parts.append(_convert(latex[last : match.start()], converter))
        parts.append(_symbol(match.group(0), math) if math else match.group(0))
        last = match.end()
    parts.append(_convert(latex[last:], converter))
    return unicodedata.normalize("NFC", "".join(parts)).replace("\u00a0", " ")


def _symbol(math: str, converter: LatexNodes2Text) -> str:
    """``$\\Omega$`` -> ``Ω``: math that is exactly how one symbol is written to refs.bib;
    other math stays as written."""
    text: str = converter.latex_to_text(math)
    return text if len(text) == 1 and not text.isascii() and _char_to_latex(text) == "{" + math + "}" else math


@lru_cache(maxsize=4096)
def _special_character(group: str) -> str:
    """``{\\"o}`` -> ``ö`` (groups repeat across entries: decode each once)."""
    return unicodedata.normalize("NFC", _TO_TEXT.latex_to_text(group))


#: What our writer emits besides special-character groups; text made only of it is decoded
#: here, without pylatexenc's full parser (most titles and names, once groups are decoded).
_SIMPLE_ESCAPES = {r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_", **_OWN_ESCAPES}
_SIMPLE_ESCAPE = re.compile("|".join(re.escape(e) for e in _SIMPLE_ESCAPES))
_LIGATURE_TEXT = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "~": " "}
_LIGATURE = re.compile("---|--|``|''|~")


def _simple(text: str, keep_braces: bool) -> str | None:
    """Decode text that holds only simple escapes, ligatures and braces; None for anything else."""
    if "\\" in _SIMPLE_ESCAPE.sub("", text) or "%" in _SIMPLE_ESCAPE.sub("", text):
        return None
    pieces, last = [], 0
    for match in _SIMPLE_ESCAPE.finditer(text):
        pieces.append(_plain_piece(text[last : match.start()], keep_braces))
        pieces.append(_SIMPLE_ESCAPES[match.group(0)])
        last = match.end()
    pieces.append(_plain_piece(text[last:], keep_braces))
    return "".join(pieces)


def _plain_piece(text: str, keep_braces: bool) -> str:
    text = _LIGATURE.sub(lambda m: _LIGATURE_TEXT[m.group(0)], text)
    return text if keep_braces else text.replace("{", "").replace("}", "")


def _convert(text: str, converter: LatexNodes2Text) -> str:
    """pylatexenc's decoding, except for our own escapes of ``\\ ~ ^`` (it reads them otherwise)."""
    simple = _simple(text, keep_braces=False) if converter is _TO_TEXT else None
    if simple is not None:
        return simple
    pieces, last = [], 0
    for match in _OWN_ESCAPE.finditer(text):
        pieces.append(converter.latex_to_text(text[last : match.start()]) if match.start() > last else "")
        pieces.append(_OWN_ESCAPES[match.group(0)])
        last = match.end()
    pieces.append(converter.latex_to_text(text[last:]) if last < len(text) else "")
    return "".join(pieces)
