"""``python -m skactrec``: the same as the ``skactrec`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
