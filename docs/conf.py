"""Sphinx configuration of skactrec's documentation.

Build it with ``pip install ".[docs]"`` and ``make -C docs html`` (warnings are errors). The
links into the Python, NumPy and scikit-learn documentation (intersphinx) come from their
inventories, fetched online; where that fails (no internet), from the copies in
``_inventories/`` (see its README). ``SKACTREC_DOCS_OFFLINE=1`` uses the copies without trying
the network.
"""

import os
import sys
from pathlib import Path

import skactrec

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "skactrec"
author = "skactrec developers"
copyright = "2026, skactrec developers"  # noqa: A001 (Sphinx's name)
release = skactrec.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
    "matplotlib.sphinxext.plot_directive",
    "cli_help",
    "readme_commands",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "_inventories", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "auto_examples/*.md5"]

# API pages: one per public name (docs/api.rst), with the members defined by skactrec.
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

_INVENTORIES = Path(__file__).resolve().parent / "_inventories"
offline = os.environ.get("SKACTREC_DOCS_OFFLINE", "") not in ("", "0")
intersphinx_mapping = {
    name: (url, str(_INVENTORIES / f"{name}.inv") if offline
           else (None, str(_INVENTORIES / f"{name}.inv")))  # online first, else the copy
    for name, url in [("python", "https://docs.python.org/3"),
                      ("numpy", "https://numpy.org/doc/stable"),
                      ("sklearn", "https://scikit-learn.org/stable")]
}
intersphinx_timeout = 10  # seconds, before a network that hangs falls back to the copies

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Only plot_*.py run during the build; examples that need a dataset or a GPU drop the prefix.
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.ExampleOrder",
    # Each API page lists the gallery examples that use its name (the minigallery in the
    # templates of _templates/autosummary).
    "doc_module": ("skactrec",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skactrec": None},
    "remove_config_comments": True,
    "matplotlib_animations": False,
    # An example that raises fails the build (with -W, like a warning).
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
}

# pydata-sphinx-theme, as scikit-learn, imbalanced-learn, skorch and MNE use it: a top bar
# of the root toctree's pages (user guide, examples, API, command line), the version beside
# the name, each page's own table of contents on the right, light and dark modes.
# Figures drawn by the build (the internals page's diagram): the picture only.
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]

html_theme = "pydata_sphinx_theme"
html_theme_options = {
    "logo": {"text": "skactrec"},
    "navbar_start": ["navbar-logo", "version"],
    "navbar_align": "left",
    "header_links_before_dropdown": 5,
    "secondary_sidebar_items": {"**": ["page-toc", "sourcelink"], "index": []},
    "show_prev_next": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "cli": [], "api": []}
html_context = {"default_mode": "auto"}
html_static_path = ["_static"]
html_title = f"skactrec {release}"


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    # set_fit_request, set_score_request...: scikit-learn generates them on every estimator
    # (metadata routing); their docstrings belong to scikit-learn's documentation.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
