"""sphinxcontrib-bibtex's ``cite`` domain, made to scale with the number of references.

Upstream (2.7) decides what each ``{bibliography}`` lists by scanning, for every bibliography and
every bib entry, every citation of the project (bibliographies × entries × citations); formats
every listed entry again on every build, no-op builds included; and resolves each citation by
scanning all listed entries. Here the same results come from indexes built once per build
(citekey → citing documents, (document, citekey) → listed entry); formatted entries are cached
across builds, keyed on the entry's content, label and style; a build that read no document and
saw no bib file change reuses the previous result outright; and when only refs.bib changed, the
documents whose lists or citations changed are rewritten without being read again.

Listing a paper in several chapters' bibliographies is this site's design, so the
``bibtex.duplicate_citation`` warning is not raised; a citation resolves to its own document's
list first, then to the first list in reading order that has the paper.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any, cast

import pybtex.plugin
from docutils import nodes
from pybtex.richtext import Tag
from pybtex.style import FormattedEntry
from pybtex.style.template import FieldIsMissing
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import CitationTarget, parse_citation_targets
from sphinxcontrib.bibtex.directives import BibliographyKey, BibliographyValue
from sphinxcontrib.bibtex.domain import BibtexDomain, Citation, _FilterVisitor, get_docnames
from sphinxcontrib.bibtex.style.referencing import format_references
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

from survey.bibliography import latex

if TYPE_CHECKING:
    from pybtex.database import Entry
    from pybtex.style.formatting import BaseStyle
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

_PLAINTEXT = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()  # upstream looks it up per citation
_FILTER_LOCAL = ast.dump(ast.parse("docname in docnames"))
_FILTER_CITED = ast.dump(ast.parse("cited"))
_FILTER_ALL = ast.dump(ast.parse("True"))
KEY_SLOT = "\0"  # stands for the citekey in a bibliography's citation-id template


class SurveyCiteDomain(BibtexDomain):
    initial_data = {
        **BibtexDomain.initial_data,
        "id_templates": {},  # BibliographyKey -> citation id with KEY_SLOT for the key
        "inputs": None,  # what the current result was computed from; None once a document changed
        "by_bibliography": {},  # BibliographyKey -> [Citation], in list order
        "local": {},  # (docname, citekey) -> (position, Citation) of that document's own list
        "first": {},  # citekey -> (position, Citation) in the first list, in reading order, that has it
        "backrefs": {},  # (docname, citekey) -> ids of that document's citations of the key
        "formatted": {},  # (style, tooltip style, label, entry digest) -> (entry, tooltip entry)
        "views": {},  # docname -> digest of every citation-dependent part of its output
    }

    # -- bookkeeping --------------------------------------------------------------------------

    def clear_doc(self, docname: str) -> None:
        super().clear_doc(docname)
        templates = self.data["id_templates"]
        for bib_key in [k for k in templates if k.docname == docname]:
            del templates[bib_key]
        self.data["inputs"] = None

    def merge_domaindata(self, docnames: Any, otherdata: dict[str, Any]) -> None:
        super().merge_domaindata(docnames, otherdata)
        self.data["id_templates"].update({k: v for k, v in otherdata["id_templates"].items() if k.docname in docnames})
        self.data["inputs"] = None

    def _inputs(self) -> Hashable:
        config = self.env.config
        bibfiles = tuple((str(path), info.mtime) for path, info in self.bibdata.bibfiles.items())
        return (bibfiles, config.bibtex_tooltips, config.bibtex_tooltips_style)

    # -- which entries each bibliography lists --------------------------------------------------

    def env_updated(self) -> Iterable[str]:
        """Fill every bibliography; return the documents not read in this build whose output changed."""
        inputs = self._inputs()
        if self.data["inputs"] == inputs:
            return []
        rank = {docname: i for i, docname in enumerate(get_docnames(self.env))}  # type: ignore[no-untyped-call]
        refs = sorted(self.citation_refs, key=lambda ref: rank.get(ref.docname, len(rank)))
        cited_docs: dict[str, set[str]] = {}  # in citation order: documents in reading order, then position
        backrefs: dict[tuple[str, str], list[str]] = {}
        for ref in refs:
            for target in ref.targets:
                cited_docs.setdefault(target.key, set()).add(ref.docname)
                backrefs.setdefault((ref.docname, target.key), []).append(ref.citation_ref_id)
        previous = self.data["formatted"]
        formatted: dict[Hashable, tuple[FormattedEntry, FormattedEntry | None]] = {}
        failed: set[Hashable] = set()  # entries missing a field: not cached, so the warning comes back
        version: dict[int, Hashable] = {}  # id(Citation) -> what its rendering depends on
        by_bibliography: dict[BibliographyKey, list[Citation]] = {}
        local: dict[tuple[str, str], tuple[int, Citation]] = {}
        first: dict[str, tuple[int, Citation]] = {}
        citations: list[Citation] = []
        used_labels: dict[str, str] = {}
        ordered = sorted(self.bibliographies.items(), key=lambda kv: (rank.get(kv[0].docname, len(rank)), kv[1].line))
        for bib_key, bibliography in ordered:
            listed = by_bibliography[bib_key] = []
            template = self.data["id_templates"][bib_key]
            entries = self._selected(bib_key, bibliography, cited_docs)
            for entry, label, cache_key in self._labelled(bibliography, entries):
                made = formatted.get(cache_key) or previous.get(cache_key)
                if made is None:
                    try:
                        made = self._format(bibliography, entry, label)
                    except FieldIsMissing as exc:
                        self._warn(bib_key, str(exc), "missing_field")
                        made = (FormattedEntry(entry.key, Tag("b", str(exc)), label), None)
                        failed.add(cache_key)
                formatted[cache_key] = made
                key = bibliography.keyprefix + entry.key
                citation = Citation(
                    citation_id=nodes.make_id(template.replace(KEY_SLOT, key)),
                    bibliography_key=bib_key,
                    key=key,
                    entry=entry,
                    formatted_entry=made[0],
                    tooltip_entry=made[1],
                )
                version[id(citation)] = cache_key
                listed.append(citation)
                if bibliography.list_ != "citation":
                    continue
                if (bib_key.docname, key) in local:
                    self._warn(bib_key, f'duplicate local citation for key "{key}"', "duplicate_local_citation")
                    continue
                position = (len(citations), citation)
                first.setdefault(key, position)
                local[bib_key.docname, key] = position
                citations.append(citation)
                if used_labels.setdefault(label, entry.key) != entry.key:
                    message = f'duplicate label "{label}" for keys "{used_labels[label]}" and "{entry.key}"'
                    self._warn(bib_key, message, "duplicate_label")
        self.data.update(
            citations=citations,
            by_bibliography=by_bibliography,
            local=local,
            first=first,
            backrefs=backrefs,
            formatted={k: v for k, v in formatted.items() if k not in failed},
            inputs=inputs,
        )
        views = self._views(refs, version)
        changed = sorted(d for d, view in views.items() if self.data["views"].get(d) != view)
        self.data["views"] = views
        return changed

    def _warn(self, bib_key: BibliographyKey, message: str, subtype: str) -> None:
        line = self.bibliographies[bib_key].line
        logger.warning(message, location=(bib_key.docname, line), type="bibtex", subtype=subtype)

    def _selected(
        self, bib_key: BibliographyKey, bibliography: BibliographyValue, cited_docs: dict[str, set[str]]
    ) -> list[Entry]:
        """The entries the bibliography lists, cited ones first in citation order, then in bib-file order."""
        prefix = bibliography.keyprefix
        in_files = [self.bibdata.bibfiles[path].keys for path in bibliography.bibfiles]
        entries = self.bibdata.data.entries
        shape = ast.dump(bibliography.filter_)

        def entry_of(key: str) -> Entry | None:
            bare = key[len(prefix) :] if key.startswith(prefix) else None
            return entries[bare] if bare is not None and any(bare in keys for keys in in_files) else None

        if shape in (_FILTER_LOCAL, _FILTER_CITED) and not bibliography.keys:
            docname = bib_key.docname
            picked = (entry_of(key) for key, docs in cited_docs.items() if shape == _FILTER_CITED or docname in docs)
            return [entry for entry in picked if entry is not None]
        chosen: dict[str, Entry] = {}
        for keys in in_files:
            for bare in keys:
                entry = entries[bare]
                if (
                    shape == _FILTER_ALL
                    or bare in bibliography.keys
                    or self._passes(bib_key, bibliography, entry, cited_docs)
                ):
                    chosen[prefix + bare] = entry
        cited_first = [chosen.pop(key) for key in list(cited_docs) if key in chosen]
        return cited_first + list(chosen.values())

    def _passes(
        self, bib_key: BibliographyKey, bibliography: BibliographyValue, entry: Entry, cited_docs: dict[str, set[str]]
    ) -> bool:
        cited_in = cited_docs.get(bibliography.keyprefix + entry.key, set())
        try:
            visitor = _FilterVisitor(entry, bib_key.docname, cited_in)  # type: ignore[no-untyped-call]
            return bool(visitor.visit(bibliography.filter_))
        except ValueError as err:
            self._warn(bib_key, f"syntax error in :filter: expression; {err}", "filter_syntax_error")
            return bool(cited_in)

    def _labelled(self, bibliography: BibliographyValue, entries: list[Entry]) -> Iterable[tuple[Entry, str, Hashable]]:
        style = _style(bibliography.style)
        ordered = style.sort(entries)
        tooltips = self._tooltip_style(bibliography)
        for entry, label in zip(ordered, style.format_labels(ordered), strict=True):
            label = bibliography.labelprefix + label
            yield entry, label, (bibliography.style, tooltips, label, _fingerprint(entry))

    def _format(
        self, bibliography: BibliographyValue, entry: Entry, label: str
    ) -> tuple[FormattedEntry, FormattedEntry | None]:
        """The entry as its list shows it, and as its tooltip does (when tooltips are on)."""
        tooltip_style = self._tooltip_style(bibliography)
        return (
            _style(bibliography.style).format_entry(label, entry),
            _style(tooltip_style).format_entry(label, entry) if tooltip_style else None,
        )

    def _tooltip_style(self, bibliography: BibliographyValue) -> str | None:
        config = self.env.config
        return (config.bibtex_tooltips_style or bibliography.style) if config.bibtex_tooltips else None

    def _views(self, refs: list[Any], version: dict[int, Hashable]) -> dict[str, str]:
        """docname -> digest of its lists and of what each of its citations resolves to."""
        parts: dict[str, list[Any]] = {}
        for bib_key, listed in self.data["by_bibliography"].items():
            parts.setdefault(bib_key.docname, []).append([(c.citation_id, version[id(c)]) for c in listed])
        for ref in refs:
            for target in ref.targets:
                hit = self._lookup(ref.docname, target.key)
                resolved = hit and (hit[2].bibliography_key.docname, hit[2].citation_id, version[id(hit[2])])
                parts.setdefault(ref.docname, []).append((target.key, resolved))
        return {d: hashlib.blake2b(repr(p).encode(), digest_size=16).hexdigest() for d, p in parts.items()}

    # -- resolving citations --------------------------------------------------------------------

    def _lookup(self, docname: str, key: str) -> tuple[bool, int, Citation] | None:
        """(whether it is another document's list, position, entry) that a citation of *key* in
        *docname* links to: the document's own list first, else the first list that has it."""
        local = self.data["local"].get((docname, key))
        if local is not None:
            return (False, *local)
        first = self.data["first"].get(key)
        return (True, *first) if first is not None else None

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.Element:
        """The citation's text, each key linked to its entry: local entries first, as upstream."""
        keys: dict[str, CitationTarget] = {t.key: t for t in parse_citation_targets(target)}
        found: list[tuple[bool, int, Citation]] = []
        for key in keys:
            hit = self._lookup(fromdocname, key)
            if hit is None:
                logger.warning(
                    f'could not find bibtex key "{key}"', location=node, type="bibtex", subtype="key_not_found"
                )
            else:
                found.append(hit)
        references = [
            (
                citation.entry,
                citation.formatted_entry,
                SphinxReferenceInfo(
                    builder=builder,
                    fromdocname=fromdocname,
                    todocname=citation.bibliography_key.docname,
                    citation_id=citation.citation_id,
                    title=(
                        citation.tooltip_entry.text.render(_PLAINTEXT).replace("\\url ", "")
                        if citation.tooltip_entry
                        else None
                    ),
                    pre_text=keys[citation.key].pre,
                    post_text=keys[citation.key].post,
                ),
            )
            for _, _, citation in sorted(found, key=lambda hit: hit[:2])
        ]
        result = nodes.inline(rawsource=target, classes=["bibtex-citation"])
        result += format_references(self.reference_style, typ, references).render(self.backend)
        return result

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.Element]]:
        keys = [key.strip() for key in target.split(",")]
        if any(self._lookup(fromdocname, key) for key in keys):
            return [("p", self.resolve_xref(env, fromdocname, builder, "p", target, node, contnode))]
        return []


@functools.lru_cache(maxsize=8)
def _style(name: str) -> BaseStyle:
    return cast("BaseStyle", pybtex.plugin.find_plugin("pybtex.style.formatting", name)())


def _fingerprint(entry: Entry) -> str:
    """A digest of everything a formatted entry depends on, stable across processes."""
    persons = sorted((role, [str(p) for p in people]) for role, people in entry.persons.items())
    text = repr((entry.type, entry.key, sorted(entry.fields.items()), persons))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def decode_bibdata(data: Any) -> None:
    """Decode refs.bib's LaTeX commands to Unicode in the parsed entries, once per parse.

    refs.bib spells accents for pdfLaTeX (``Nguy{\\~{\\^{e}}}n``, ``{\\DJ}``); pybtex's own decoding
    (latexcodec) knows single accents only, so double diacritics would reach the page as
    ``\\~ê``. Protective braces and ``$…$`` math stay, for pybtex's sentence case and labels.
    """
    if getattr(data, "survey_unicode", False):
        return
    for entry in data.entries.values():
        for name, value in list(entry.fields.items()):
            if "\\" in value:
                entry.fields[name] = latex.to_unicode_braced(value)
        for persons in entry.persons.values():
            for person in persons:
                for parts in (
                    person.first_names,
                    person.middle_names,
                    person.prelast_names,
                    person.last_names,
                    person.lineage_names,
                ):
                    parts[:] = [latex.to_unicode_braced(p) if "\\" in p else p for p in parts]
    data.survey_unicode = True
