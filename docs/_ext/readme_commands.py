"""``.. readme-command:: demo`` (or ``test``): the command README.md gives between its
``<!-- demo-command -->`` markers, so the landing page shows exactly what CI runs."""

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_command(name):
    """The lines between ``<!-- NAME-command -->`` and its end marker, without the fences."""
    text = README.read_text(encoding="utf-8")
    start, end = f"<!-- {name}-command -->", f"<!-- /{name}-command -->"
    if start not in text or end not in text:
        raise ValueError(f"README.md has no {start} ... {end} block")
    block = text.split(start, 1)[1].split(end, 1)[0]
    return "\n".join(line for line in block.strip().splitlines()
                     if not line.startswith("```"))


class ReadmeCommand(SphinxDirective):
    required_arguments = 1

    def run(self):
        self.env.note_dependency(str(README))
        return [nodes.literal_block(text=readme_command(self.arguments[0]), language="bash")]


def setup(app):
    app.add_directive("readme-command", ReadmeCommand)
    return {"parallel_read_safe": True}
