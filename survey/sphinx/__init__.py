"""Sphinx extension of the survey site (``extensions = ["survey.sphinx"]``).

Adds, generated from refs.bib + papers.toml at build time:
- ``{paper-list}``: the global reference list, each entry with "cited in" backlinks to the
  chapters and sections that cite it and a copy-BibTeX control;
- ``{bibliography}`` defaults to the entries cited in its own document (a chapter's list);
- ``{paper-index}``: a sortable, filterable table of every paper (no CDN, works offline);
- hover previews (title, authors, venue, year) on every citation;
- the ``survey`` pybtex style: author–year labels unique across the site;
- a ``cite`` domain that fills bibliographies from indexes and caches (see ``citedomain``), so
  builds stay fast at thousands of references.

Warnings are named and suppressible: ``survey.unlisted`` (a refs.bib entry that papers.toml
does not list), ``survey.missing`` (a papers.toml entry refs.bib lacks: run fetch-refs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from survey import __version__
from survey.sphinx import catalog, citations, lineage, pages, results, style
from survey.sphinx.bibliography import ChapterBibliographyDirective, FillBibliographies
from survey.sphinx.citedomain import SurveyCiteDomain, decode_bibdata

logger = logging.getLogger(__name__)
_STATIC = Path(__file__).parent / "static"


def data_files(app: Sphinx) -> tuple[Path, Path | None]:
    """refs.bib (the first of ``bibtex_bibfiles``) and papers.toml, as absolute paths."""
    confdir = Path(app.confdir)
    papers = confdir / app.config.survey_papers if app.config.survey_papers else None
    return confdir / app.config.bibtex_bibfiles[0], papers


def _catalog(app: Sphinx) -> catalog.Catalog:
    """The build's catalog, made in builder-inited (kept in the environment between builds)."""
    return app.env.survey_catalog  # type: ignore[attr-defined,no-any-return]


def _builder_inited(app: Sphinx) -> None:
    bib, papers = data_files(app)
    digest = catalog.digest(bib, papers)
    cat: catalog.Catalog | None = getattr(app.env, "survey_catalog", None)
    parsed = cast(SurveyCiteDomain, app.env.get_domain("cite")).bibdata.data
    decode_bibdata(parsed)
    if cat is None or cat.digest != digest:
        cat = app.env.survey_catalog = catalog.load(bib, papers, parsed, digest)  # type: ignore[attr-defined]
    style.LABELS.clear()
    style.LABELS.update(cat.labels)
    if cat.listed is not None:
        for key in sorted(set(cat.entries) - cat.listed):
            logger.warning("refs.bib entry %r is not listed in papers.toml", key, type="survey", subtype="unlisted")
        for key in sorted(cat.listed - set(cat.entries)):
            logger.warning(
                "papers.toml entry %r is missing from refs.bib: run `survey fetch-refs`",
                key,
                type="survey",
                subtype="missing",
            )


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    pages.resolve(app, doctree, docname, _catalog(app))


def _write_preview_data(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        pages.write_if_changed(Path(app.outdir) / "_static" / "survey-papers.js", pages.data_script(_catalog(app)))


def _add_static_path(app: Sphinx, config: Any) -> None:
    config.html_static_path.append(str(_STATIC))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    style.register()
    app.add_config_value("survey_papers", "../papers.toml", "env", types=[str])
    app.add_node(pages.paper_list)
    app.add_node(pages.paper_index)
    app.add_domain(SurveyCiteDomain, override=True)
    app.add_directive("bibliography", ChapterBibliographyDirective, override=True)
    app.add_post_transform(FillBibliographies)
    app.add_directive("paper-list", pages.PaperListDirective)
    app.add_directive("paper-index", pages.PaperIndexDirective)
    results.setup(app)
    lineage.setup(app)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", citations.collect)
    app.connect("env-purge-doc", citations.purge)
    app.connect("env-purge-doc", pages.purge)
    app.connect("env-merge-info", citations.merge)
    app.connect("env-merge-info", pages.merge)
    app.connect("env-updated", pages.rewrite_generated)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("build-finished", _write_preview_data)
    app.connect("config-inited", _add_static_path)
    app.add_css_file("survey.css")
    app.add_js_file("survey-papers.js")
    app.add_js_file("survey.js")
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 4}
