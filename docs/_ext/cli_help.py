"""``.. skactrec-cli::``: the ``--help`` of ``skactrec`` and of each subcommand, taken from
the parser itself, so the CLI reference page cannot drift from the command."""

import argparse
import os

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from skactrec.cli._main import _build_parser


def _help(parser):
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "92"  # argparse wraps at $COLUMNS; fixed for a stable page
    try:
        return parser.format_help()
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def _subcommands(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


class SkactrecCli(SphinxDirective):
    has_content = False

    def run(self):
        parser = _build_parser()
        main = nodes.section(ids=["cli-skactrec"])
        main += nodes.title(text="skactrec")
        main += nodes.literal_block(text=_help(parser), language="text")
        sections = [main]
        for name, sub in _subcommands(parser).items():
            section = nodes.section(ids=[f"cli-skactrec-{name}"])
            section += nodes.title(text=f"skactrec {name}")
            section += nodes.literal_block(text=_help(sub), language="text")
            sections.append(section)
        return sections


def setup(app):
    app.add_directive("skactrec-cli", SkactrecCli)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
