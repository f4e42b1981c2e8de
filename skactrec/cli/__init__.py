"""The ``skactrec`` command: each subcommand parses its options and calls the library."""

from ._main import main

__all__ = ["main"]
