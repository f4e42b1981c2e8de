"""The figures the experiments write to files: the unit sweep with the paper's point, the
confusion matrix and the top-3 strip. Each is a bare matplotlib ``Figure``, drawn with Agg when
saved: no pyplot window, the user's backend untouched."""

import numpy as np


def _figure(**kwargs):
    from ..plotting._matplotlib import _require_matplotlib

    _require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def draw_sweep(path, units, mean, std, paper):
    """Accuracy against units (the paper's figures 4-6), with the paper's best point."""
    from ..plotting._unit_sweep import _format_unit_axes, plot_unit_sweep

    fig = _figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"{paper['name']}: accuracy against the number of LSTM units")
    plot_unit_sweep({"param_n_units": units, "mean_test_score": mean, "std_test_score": std},
                    ax=ax, label="skactrec")
    if paper["accuracy"] is not None:
        ax.plot([paper["units"]], [paper["accuracy"] / 100], marker="*", markersize=13,
                linestyle="none", color="tab:red",
                label=f"paper: {paper['accuracy']:.2f}% at {paper['units']} units")
        _format_unit_axes(ax, extra_units=[paper["units"]])
        ax.legend(fontsize=9)
    fig.savefig(path, dpi=100)


def draw_confusion(path, confusion, labels, title):
    """The confusion matrix as an image titled ``title`` (also ``skactrec evaluate``'s)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    n = len(labels)
    with_values = n <= 20
    size = min(max(5.5, 0.22 * n + 3), 20)
    fig = _figure(figsize=(size + (0 if with_values else 1), size), layout="constrained")
    ax = fig.add_subplot()
    ConfusionMatrixDisplay(confusion, display_labels=labels).plot(
        ax=ax, xticks_rotation="vertical", include_values=with_values, colorbar=False,
        cmap="Blues")
    if not with_values:  # too many cells to print their counts: a colour scale reads them
        fig.colorbar(ax.images[0], ax=ax, shrink=0.6, label="test videos")
    ax.set_title(title)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.savefig(path, dpi=100)


def draw_top(path, videos, labels, scores, true_labels):
    """The top-k classes of a few test videos under a few of their frames (figure 7)."""
    from ..plotting._top_k import _draw_top_k

    fig = _draw_top_k(list(videos), labels, scores, true_labels=list(true_labels),
                      n_frames_shown=4, title=f"Top-{np.shape(labels)[1]} classes of test videos",
                      fig=None, new_figure=_figure)
    fig.savefig(path, dpi=100)
