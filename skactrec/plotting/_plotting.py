"""Plots of the paper: accuracy against LSTM units (figures 4-6) and top-k strips (figure 7).

matplotlib is an optional dependency (``pip install skactrec[plot]``), imported on first use.
"""

import numpy as np

from ..utils._selection import best_index

_SWEEP_GID = "skactrec-unit-sweep"  # marks the curves drawn by plot_unit_sweep on an Axes


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


# Layout of plot_top_k, in inches.
_COLUMN = 3.0  # width of one video's column
_GAP = 0.35  # between columns
_MARGIN = 0.12  # around the whole figure
_BAR_ROW = 0.26  # height of one class's bar
_TEXT = 0.22  # one line of a 9-10 pt title
_BELOW_BARS = 0.42  # x tick labels and x label under the bars
_SCORE_ROOM = 0.42  # right of the bars, for "100%"


def _text_width(text, size):
    """Width in inches of ``text`` drawn at ``size`` points in the default font."""
    from matplotlib.textpath import TextPath

    return TextPath((0, 0), str(text), size=size).get_extents().width / 72


def _frame_strip(frames):
    """Frames side by side, with a thin white line between two frames."""
    frames = np.asarray(frames)
    if frames.ndim == 3:
        frames = np.repeat(frames[..., None], 3, axis=-1)
    if frames.dtype != np.uint8:
        frames = np.clip(frames, 0, 255).astype(np.uint8)
    n, height, width, channels = frames.shape
    line = max(1, width // 24)
    strip = np.full((height, n * width + (n - 1) * line, channels), 255, np.uint8)
    for i, frame in enumerate(frames):
        strip[:, i * (width + line): i * (width + line) + width] = frame
    return strip


def _percent(score):
    """A score as a whole percentage; "<1%" rather than "0%" for a small positive one."""
    text = f"{score:.0%}"
    return "<1%" if score > 0 and text == "0%" else text


def plot_top_k(videos, labels, scores, *, true_labels=None, n_frames_shown=4, title=None,
               fig=None, importances=None, sampling="first"):
    """The paper's figure 7: for each video, a few frames above and its k best classes below.

    Parameters
    ----------
    videos : sequence of videos
        Paths or arrays, as :func:`~skactrec.read_video` takes them.
    labels : array-like of shape (n_videos, k)
        The k best classes of each video, best first (from :func:`~skactrec.predict_top_k`).
    scores : array-like of shape (n_videos, k)
        Their scores.
    true_labels : sequence, default=None
        The true class of each video, shown in its title: green when the best class is
        the true one, red otherwise.
    n_frames_shown : int, default=4
        Frames shown per video, spread over the whole video.
    title : str, default=None
        Title of the whole figure.
    fig : matplotlib.figure.Figure, default=None
        Where to draw; a new figure sized to the frames and classes if None. A given
        figure keeps its size, and the layout is scaled to fit in it.
    importances : array-like of shape (n_videos, n_frames), default=None
        Each frame's importance to the classifier, e.g. from
        :meth:`LSTMVideoClassifier.frame_importances` (``temporal_pooling="attention"``).
        The frames shown are then taken among the ``n_frames`` frames the model read
        (as ``sampling`` reads them), and each is shaded by its importance: the most
        important at full brightness, one of no importance at a quarter.
    sampling : {"first", "uniform"}, default="first"
        With ``importances``: how the model's featurizer read its frames (its
        ``sampling``).

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skactrec import plot_top_k
    >>> video = np.zeros((8, 32, 32, 3), np.uint8)
    >>> fig = plot_top_k([video], [["boxing", "walking", "running"]], [[0.94, 0.04, 0.02]])
    >>> len(fig.axes)
    2
    """
    plt = _pyplot()
    return _draw_top_k(videos, labels, scores, true_labels=true_labels,
                       n_frames_shown=n_frames_shown, title=title, fig=fig,
                       new_figure=plt.figure, importances=importances, sampling=sampling)


def _shown_frames(video, n_frames_shown, importances, sampling):
    """The frames of one video to show, shaded by their importance when it is given."""
    from ..video._reader import read_video

    if importances is None:
        return read_video(video, n_frames=n_frames_shown, frame_size=None, sampling="uniform")
    frames = read_video(video, n_frames=len(importances), frame_size=None, sampling=sampling)
    shown = np.unique(np.linspace(0, len(frames) - 1, n_frames_shown).round().astype(int))
    weight = importances[shown] / max(float(np.max(importances)), 1e-12)
    shade = 0.25 + 0.75 * weight[:, None, None, None]
    return np.clip(frames[shown] * shade, 0, 255).astype(np.uint8)


def _draw_top_k(videos, labels, scores, *, true_labels, n_frames_shown, title, fig, new_figure,
                importances=None, sampling="first"):
    """:func:`plot_top_k`, with ``new_figure(figsize=...)`` making the figure if ``fig`` is None."""
    from matplotlib.ticker import PercentFormatter

    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    if labels.shape != scores.shape or labels.ndim != 2 or len(labels) != len(videos):
        raise ValueError(
            f"labels {labels.shape} and scores {scores.shape} must both be (n_videos, k) "
            f"with n_videos = {len(videos)}."
        )
    n_videos, k = labels.shape
    if importances is not None:
        importances = np.asarray(importances, dtype=float)
        if importances.ndim != 2 or len(importances) != n_videos:
            raise ValueError(f"importances must be (n_videos, n_frames) with n_videos = "
                             f"{n_videos}; got shape {importances.shape}.")
    strips = [_frame_strip(_shown_frames(video, n_frames_shown,
                                         None if importances is None else importances[i],
                                         sampling))
              for i, video in enumerate(videos)]

    # Every size in inches, so that nothing is left empty: the strips' height follows
    # from their aspect ratio, the bars' from the number of classes.
    strip_height = max(_COLUMN * s.shape[0] / s.shape[1] for s in strips)
    label_width = max(_text_width(label, 8) for label in labels.ravel()) + 0.12
    top = _MARGIN + (_TEXT + 0.1 if title else 0) + (_TEXT if true_labels is not None else 0)
    bars_top = top + strip_height + 0.12
    bars_height = k * _BAR_ROW + 0.08
    width = 2 * _MARGIN + n_videos * _COLUMN + (n_videos - 1) * _GAP
    height = bars_top + bars_height + _BELOW_BARS + _MARGIN
    if fig is None:
        fig = new_figure(figsize=(width, height))
    fig_width, fig_height = fig.get_size_inches()
    scale = min(fig_width / width, fig_height / height)
    x0 = (fig_width - scale * width) / 2
    y0 = (fig_height - scale * height) / 2

    def box(left, top_, w, h):  # inches from the layout's top left, to figure fractions
        return [(x0 + scale * left) / fig_width,
                1 - (y0 + scale * (top_ + h)) / fig_height, scale * w / fig_width,
                scale * h / fig_height]

    for i, strip in enumerate(strips):
        left = _MARGIN + i * (_COLUMN + _GAP)
        frames_ax = fig.add_axes(box(left, top, _COLUMN, strip_height))
        frames_ax.imshow(strip)
        frames_ax.set_axis_off()
        if true_labels is not None:
            correct = str(labels[i, 0]) == str(true_labels[i])
            frames_ax.set_title(f"true: {true_labels[i]}", fontsize=10, pad=4,
                                color="tab:green" if correct else "tab:red")
        bars_ax = fig.add_axes(box(left + label_width, bars_top,
                                   _COLUMN - label_width - _SCORE_ROOM, bars_height))
        positions = np.arange(k)[::-1]  # best on top
        bars = bars_ax.barh(positions, scores[i], height=0.7,
                            color=["tab:blue"] + ["tab:gray"] * (k - 1))
        bars_ax.set_yticks(positions, [str(label) for label in labels[i]], fontsize=8)
        bars_ax.set_ylim(-0.5, k - 0.5)
        bars_ax.set_xlim(0, 1)
        bars_ax.set_xticks([0, 0.5, 1])
        bars_ax.xaxis.set_major_formatter(PercentFormatter(xmax=1))
        bars_ax.tick_params(axis="x", labelsize=7)
        bars_ax.set_xlabel("score", fontsize=8, labelpad=1)
        bars_ax.bar_label(bars, labels=[_percent(s) for s in scores[i]], fontsize=8, padding=2)
        for side in ("top", "right"):
            bars_ax.spines[side].set_visible(False)
    if title:
        fig.suptitle(title, fontsize=11, y=1 - (y0 + scale * _MARGIN) / fig_height, va="top")
    return fig
