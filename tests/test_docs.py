"""The documentation is built like code: every public name has an API page with examples, and
the whole site (user guide, API, gallery examples run on synthetic videos) builds with
warnings as errors."""

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import skactrec
import skactrec.datasets

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PUBLIC = [(module, name) for module in (skactrec, skactrec.datasets)
          for name in module.__all__ if not name.startswith("__")]


@pytest.mark.parametrize("module, name", PUBLIC, ids=[name for _, name in PUBLIC])
def test_public_name_has_an_api_page_and_examples(module, name):
    api = "".join(page.read_text() for page in sorted((DOCS / "api").glob("*.rst")))
    assert re.search(rf"^   {name}$", api, re.M), f"{name} is missing from docs/api/*.rst"
    obj = getattr(module, name)
    doc = inspect.getdoc(obj) or ""
    if inspect.isclass(obj) and issubclass(obj, Exception):
        return  # errors are documented by what raises them; their pages list their fields
    assert re.search(r"^Examples\n--------\n", doc, re.M), f"{name} has no Examples section"
    assert ">>> " in doc, f"{name}'s Examples hold no doctest"


def test_public_methods_have_docstrings():
    for module, name in PUBLIC:
        obj = getattr(module, name)
        if not inspect.isclass(obj):
            continue
        for attr, member in vars(obj).items():
            if not attr.startswith("_") and callable(member):
                assert inspect.getdoc(member), f"{name}.{attr} has no docstring"


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory):
    pytest.importorskip("sphinx", reason="the docs build needs pip install '.[docs]'")
    pytest.importorskip("sphinx_gallery", reason="the docs build needs pip install '.[docs]'")
    pytest.importorskip("numpydoc", reason="the docs build needs pip install '.[docs]'")
    out = tmp_path_factory.mktemp("docs")
    # The build runs the plot_* gallery examples. As the README's command does: the
    # intersphinx inventories are fetched online, else (here, offline) read from docs/.
    env = {k: v for k, v in os.environ.items() if k != "SKACTREC_DOCS_OFFLINE"}
    env["MPLBACKEND"] = "Agg"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS),
         str(out / "html"), "-d", str(out / "doctrees")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800,
    )
    log = result.stdout + result.stderr
    (out / "build.log").write_text(log)
    assert result.returncode == 0, "docs build failed:\n" + "\n".join(
        line for line in log.splitlines() if "WARNING" in line or "ERROR" in line
        or "Traceback" in line or "Error" in line)[-6000:]
    return out / "html", log


def test_docs_build_without_warnings(built_docs):
    html, log = built_docs
    assert "build succeeded" in log
    assert not re.search(r"\bWARNING\b(?!: All log messages before absl)", log)
    for page in ("index.html", "api.html", "cli.html", "auto_examples/index.html",
                 "generated/skactrec.VGG16FrameFeaturizer.html",
                 "generated/skactrec.datasets.load_kth.html"):
        assert (html / page).is_file(), f"{page} was not built"


def test_links_into_python_numpy_and_sklearn_docs_are_kept(built_docs):
    html, _ = built_docs
    page = (html / "cli.html").read_text()
    assert "https://docs.python.org/3/library/logging.html#module-logging" in page
    page = (html / "generated" / "skactrec.VGG16FrameFeaturizer.html").read_text()
    assert "https://numpy.org/doc/stable/reference/generated/numpy.memmap.html" in page
    page = (html / "generated" / "skactrec.datasets.load_ucf11.html").read_text()
    assert "https://scikit-learn.org/stable/modules/generated/sklearn.model_selection" in page


def test_every_gallery_example_ran_and_made_its_figures(built_docs):
    html, _ = built_docs
    examples = sorted((ROOT / "examples").glob("plot_*.py"))
    assert len(examples) >= 5
    for example in examples:
        page = (html / "auto_examples" / f"{example.stem}.html").read_text()
        assert "sphx-glr-script-out" in page or "sphx-glr-single-img" in page, example.name
        assert f"sphx_glr_{example.stem}_" in page and ".png" in page, (
            f"{example.name} made no figure")
    # Examples that need a real dataset are shown, not run.
    for example in (ROOT / "examples").glob("*.py"):
        if example.name.startswith("plot_"):
            continue
        page = (html / "auto_examples" / f"{example.stem}.html").read_text()
        assert "sphx-glr-script-out" not in page, f"{example.name} was run"


def test_api_pages_link_the_gallery_examples_that_use_them(built_docs):
    html, _ = built_docs
    page = (html / "generated" / "skactrec.VGG16FrameFeaturizer.html").read_text()
    assert "Gallery examples using" in page and "plot_quickstart" in page


def test_cli_page_is_the_parsers_help(built_docs):
    html, _ = built_docs
    page = (html / "cli.html").read_text()
    for command in ("demo", "reproduce", "predict"):
        assert f"skactrec {command}" in page
    assert "--model" in page and "--debug" in page


def internal_links(html):
    """Every link of the built pages to a page of the site, ``(page, href)``, and the ids of
    every page: what the link test checks."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.hrefs, self.ids = [], set()

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id"):
                self.ids.add(attrs["id"])
            if tag == "a" and attrs.get("href"):
                self.hrefs.append(attrs["href"])

    links, ids = [], {}
    for page in sorted(html.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        ids[page.resolve()] = parser.ids
        links += [(page, href) for href in parser.hrefs
                  if not re.match(r"^(https?:|mailto:|javascript:|data:)", href)]
    return links, ids


def test_every_internal_link_and_anchor_resolves(built_docs):
    from urllib.parse import unquote, urldefrag

    html, _ = built_docs
    links, ids = internal_links(html)
    broken = []
    for page, href in links:
        target, anchor = urldefrag(unquote(href))
        path = (page.parent / target).resolve() if target else page.resolve()
        if path.is_dir():
            path = path / "index.html"
        if not path.exists():
            broken.append(f"{page.relative_to(html)}: {href} (no such file)")
        elif anchor and path.suffix == ".html" and anchor not in ids.get(path, ()):
            broken.append(f"{page.relative_to(html)}: {href} (no such anchor)")
    print(f"{len(links)} internal links in {len(ids)} pages; {len(broken)} broken")
    assert not broken, "\n".join(broken[:40])
