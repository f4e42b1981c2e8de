"""Sphinx configuration of skactrec's documentation (``pip install .[docs]``, then ``make html``)."""

import skactrec

project = "skactrec"
author = "skactrec developers"
release = skactrec.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
numpydoc_show_class_members = False
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "sklearn": ("https://scikit-learn.org/stable", None),
}
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Only plot_*.py run during the build; examples that need a dataset or a GPU drop the prefix.
    "filename_pattern": r"/plot_",
    "doc_module": ("skactrec",),
}
html_theme = "alabaster"
