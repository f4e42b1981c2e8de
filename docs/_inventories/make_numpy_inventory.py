"""Write numpy.inv: a fallback inventory of NumPy's documentation, made from the installed
NumPy by the URL rules of numpy.org/doc/stable (no copy of NumPy's own objects.inv could
be had offline, unlike Python's and scikit-learn's; see README.rst).

    python docs/_inventories/make_numpy_inventory.py
"""

import inspect
import zlib
from pathlib import Path

import numpy as np

GENERATED = "reference/generated/"


def entries():
    """``(name, role, uri)`` for NumPy's public names, as numpy.org lays its pages out."""
    yield "numpy", "py:module", "reference/index.html#module-numpy"
    for name in sorted(dir(np)):
        if name.startswith("_"):
            continue
        obj = getattr(np, name)
        full = f"numpy.{name}"
        if inspect.ismodule(obj):
            continue
        if isinstance(obj, type) and issubclass(obj, np.generic):
            yield full, "py:class", f"reference/arrays.scalars.html#{full}"
        elif isinstance(obj, type):
            yield full, "py:class", f"{GENERATED}{full}.html#{full}"
        elif callable(obj):
            yield full, "py:function", f"{GENERATED}{full}.html#{full}"
        elif isinstance(obj, float | int):
            yield full, "py:data", f"reference/constants.html#{full}"
    for member in sorted(dir(np.ndarray)):
        if not member.startswith("_"):
            full = f"numpy.ndarray.{member}"
            role = "py:method" if callable(getattr(np.ndarray, member)) else "py:attribute"
            yield full, role, f"{GENERATED}{full}.html#{full}"
    for module, folder in [(np.linalg, GENERATED), (np.fft, GENERATED),
                           (np.random, "reference/random/generated/")]:
        for name in sorted(getattr(module, "__all__", dir(module))):
            if not name.startswith("_") and callable(getattr(module, name, None)):
                full = f"{module.__name__}.{name}"
                yield full, "py:function", f"{folder}{full}.html#{full}"


def main():
    lines = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in entries())
    header = ("# Sphinx inventory version 2\n# Project: NumPy\n"
              f"# Version: {'.'.join(np.__version__.split('.')[:2])}\n"
              "# The remainder of this file is compressed using zlib.\n")
    path = Path(__file__).with_name("numpy.inv")
    path.write_bytes(header.encode() + zlib.compress(lines.encode()))
    print(f"wrote {path}: {lines.count(chr(10))} names")


if __name__ == "__main__":
    main()
