"""Sphinx configuration of the survey site. Build with `make html` in this folder."""

import os
import sys

project = "Deep Learning for Vision: A Living Survey"
author = "The survey authors"
copyright = "2026, the survey authors"

extensions = [
    "myst_parser",
    "sphinx.ext.mathjax",
    "sphinxcontrib.bibtex",
    "survey.sphinx",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinxext.opengraph",
    "sphinx_sitemap",
]

root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True

# --- citations -----------------------------------------------------------------------------
# refs.bib is generated from ../papers.toml by `survey fetch-refs` and committed: the build
# needs no network. Each chapter ends with its own {bibliography} (entries cited there); the
# global list and the paper index come from survey.sphinx.
bibtex_bibfiles = ["../refs.bib"]
survey_papers = "../papers.toml"
bibtex_default_style = "survey"  # author–year labels, unique across the site
bibtex_reference_style = "survey"  # {cite:t} -> He et al. (2022); {cite:p} -> (He et al., 2022)
bibtex_cite_id = "cite-{key}"  # stable anchors; hover previews find the citekey in the link
bibtex_tooltips = False  # survey.sphinx shows richer hover previews; saves formatting every entry twice
# A paper cited in two chapters is listed in both chapters' bibliographies, and each citation links
# to its own chapter's entry: survey.sphinx's cite domain treats that as the design, not a duplicate.

# --- MyST ----------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# --- HTML ----------------------------------------------------------------------------------
html_theme = "furo"
html_title = "Deep Learning for Vision — a living survey"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"  # also stops every page load asking for /favicon.ico
html_last_updated_fmt = "%Y-%m-%d"
mathjax_path = "mathjax/tex-chtml-full.js"  # served from the site: no CDN at read time
html_theme_options = {"navigation_with_keys": True}
copybutton_exclude = ".linenos, .gp"

site_url = os.environ.get("READTHEDOCS_CANONICAL_URL") or os.environ.get("SURVEY_SITE_URL", "https://example.org/survey/")
html_baseurl = site_url
sitemap_url_scheme = "{link}"
ogp_site_url = site_url
ogp_site_name = html_title
ogp_enable_meta_description = True
ogp_social_cards = {"enable": False}  # no image generation
# matplotlib is installed for the leaderboard charts (drawn only when their data change); with social
# cards off, keep sphinxext-opengraph from importing it (and pyplot) on every build: ~0.9 s per no-op build.
sys.modules.setdefault("sphinxext.opengraph._social_cards", None)
