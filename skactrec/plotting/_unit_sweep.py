"""The paper's figures 4-6: accuracy against the number of LSTM units, from a search."""

import numpy as np

from ..utils._selection import best_index
from ._matplotlib import _pyplot

_SWEEP_GID = "skactrec-unit-sweep"  # marks the curves drawn by plot_unit_sweep on an Axes


def _units_param(cv_results, param):
    if param is not None:
        key = f"param_{param}"
        if key not in cv_results:
            raise ValueError(f"cv_results has no {key!r}; its parameters are "
                             f"{sorted(k[6:] for k in cv_results if k.startswith('param_'))}.")
        return key
    keys = [k for k in cv_results if k.startswith("param_") and k.endswith("n_units")]
    if len(keys) != 1:
        raise ValueError(
            "Cannot tell which parameter is the number of LSTM units "
            f"(candidates: {keys or 'none'}); pass param='...__n_units'."
        )
    return keys[0]


def plot_unit_sweep(cv_results, *, param=None, ax=None, label=None):
    """Accuracy against the number of LSTM units, from a search's ``cv_results_``.

    The paper's figures 4-6. The mean test score of each unit count is drawn with a band
    of one standard deviation over the folds, and the best point (the highest mean; of
    equal ones, the fewest units) is marked and named in the legend. Accuracy is shown in
    percent; the unit counts searched are the x ticks, on a logarithmic axis when they span
    more than a factor of 16.

    Parameters
    ----------
    cv_results : dict
        ``GridSearchCV.cv_results_`` (or a DataFrame of it) of a search over the units.
    param : str, default=None
        The searched parameter, e.g. ``"lstmvideoclassifier__n_units"``. By default the
        only ``param_*n_units`` key of ``cv_results``. Other searched parameters must be
        fixed: one score per unit count.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure if None. Several calls on one ``ax`` draw several
        curves (pass ``label`` to tell them apart).
    label : str, default=None
        Legend label of the curve.

    Returns
    -------
    ax : matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skactrec import plot_unit_sweep
    >>> results = {"param_lstmvideoclassifier__n_units": [40, 80, 360],
    ...            "mean_test_score": [0.81, 0.88, 0.93], "std_test_score": [0.02, 0.02, 0.01]}
    >>> ax = plot_unit_sweep(results)
    >>> ax.get_xlabel()
    'number of LSTM units'
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['mean over folds', '± 1 std over folds', 'best: 93.0% at 360 units']
    """
    plt = _pyplot()
    key = _units_param(cv_results, param)
    units = np.asarray(cv_results[key], dtype=float)
    mean = np.asarray(cv_results["mean_test_score"], dtype=float)
    std = np.asarray(cv_results.get("std_test_score", np.zeros_like(mean)), dtype=float)
    if len(np.unique(units)) != len(units):
        raise ValueError(
            f"Several results per unit count in {key!r}: fix the other searched parameters "
            "(select the rows of one setting) before plotting."
        )
    order = np.argsort(units)
    units, mean, std = units[order], mean[order], std[order]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    (line,) = ax.plot(units, mean, marker="o", label=label or "mean over folds", gid=_SWEEP_GID)
    color = line.get_color()
    if np.any(std > 0):
        band = f"{label}, ± 1 std over folds" if label else "± 1 std over folds"
        if band in [c.get_label() for c in ax.collections]:
            band = "_nolegend_"  # a second curve without a label: one legend entry is enough
        ax.fill_between(units, mean - std, mean + std, alpha=0.2, color=color, label=band)
    best = best_index(units, mean)  # the sweeps' rule: ties go to the fewest units
    text = f"best: {mean[best]:.1%} at {units[best]:g} units"
    ax.plot([units[best]], [mean[best]], linestyle="none", marker="o", markersize=13,
            markerfacecolor="none", markeredgecolor=color, markeredgewidth=1.5,
            label=f"{label}, {text}" if label else text)
    _format_unit_axes(ax)
    ax.legend(fontsize=9)
    return ax


def _format_unit_axes(ax, extra_units=()):
    """Labels, percent ticks and unit ticks of a unit-sweep Axes.

    ``extra_units`` are other x values drawn on ``ax`` (a reference point) that the scale
    must also fit.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    swept = sorted({float(x) for line in ax.lines if line.get_gid() == _SWEEP_GID
                    for x in line.get_xdata()})
    every = [*swept, *map(float, extra_units)]
    if min(every) > 0 and max(every) / min(every) > 16:
        ax.set_xscale("log", base=2)
    ax.xaxis.set_minor_locator(NullLocator())
    if len(set(every)) <= 12:  # more would crowd the axis: then matplotlib chooses the ticks
        ax.xaxis.set_major_locator(FixedLocator(sorted(set(every))))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{round(100 * y, 6):g}%"))
    ax.set_xlabel("number of LSTM units")
    ax.set_ylabel("accuracy")
    ax.grid(True, alpha=0.3)
    if not ax.get_title():
        ax.set_title("Accuracy against the number of LSTM units")
