"""matplotlib, an optional dependency (``pip install skactrec[plot]``), imported on first use."""


def _require_matplotlib():
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(
            "Plotting needs matplotlib: pip install 'skactrec[plot]' (or pip install matplotlib)."
        ) from exc


def _pyplot():
    _require_matplotlib()
    import matplotlib.pyplot as plt

    return plt
