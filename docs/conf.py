"""Sphinx configuration for the equilibria documentation (build with ``sphinx-build -W``)."""
project = "equilibria"
author = "the equilibria developers"
copyright = "2026, the equilibria developers"
release = "0.1.0"

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.mathjax"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "none"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
suppress_warnings = ["myst.xref_missing"]
html_theme = "alabaster"
