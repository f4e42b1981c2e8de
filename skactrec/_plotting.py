"""Plots of the paper: accuracy against LSTM units (figures 4-6) and top-k strips (figure 7).

matplotlib is an optional dependency (``pip install skactrec[plot]``), imported on first use.
"""

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(
            "Plotting needs matplotlib: pip install 'skactrec[plot]' (or pip install matplotlib)."
        ) from exc
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
    of one standard deviation over the folds, and the best point is marked.

    Parameters
    ----------
    cv_results : dict
        ``GridSearchCV.cv_results_`` (or a DataFrame of it) of a search over the units.
    param : str, default=None
        The searched parameter, e.g. ``"lstmvideoclassifier__n_units"``. By default the
        only ``param_*n_units`` key of ``cv_results``. Other searched parameters must be
        fixed: one score per unit count.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure if None.
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
    'LSTM units'
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
        _, ax = plt.subplots(figsize=(6, 4))
    (line,) = ax.plot(units, mean, marker="o", label=label)
    ax.fill_between(units, mean - std, mean + std, alpha=0.2, color=line.get_color())
    best = int(np.argmax(mean))
    ax.annotate(f"{mean[best]:.1%} at {units[best]:g} units", (units[best], mean[best]),
                textcoords="offset points", xytext=(0, 8), ha="center")
    ax.set_xlabel("LSTM units")
    ax.set_ylabel("accuracy")
    ax.grid(True, alpha=0.3)
    if label is not None:
        ax.legend()
    return ax


def plot_top_k(videos, labels, scores, *, true_labels=None, n_frames_shown=4, fig=None):
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
        The true class of each video, shown in its title.
    n_frames_shown : int, default=4
        Frames shown per video, spread over the whole video.
    fig : matplotlib.figure.Figure, default=None
        Where to draw; a new figure if None.

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
    from ._video import read_video

    plt = _pyplot()
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    if labels.shape != scores.shape or labels.ndim != 2 or len(labels) != len(videos):
        raise ValueError(
            f"labels {labels.shape} and scores {scores.shape} must both be (n_videos, k) "
            f"with n_videos = {len(videos)}."
        )
    n_videos, k = labels.shape
    if fig is None:
        fig = plt.figure(figsize=(3.2 * n_videos, 3.4))
    grid = fig.add_gridspec(2, n_videos, height_ratios=[1.3, 1])
    for i, video in enumerate(videos):
        frames = read_video(video, n_frames=n_frames_shown, frame_size=None, sampling="uniform")
        top = fig.add_subplot(grid[0, i])
        top.imshow(np.concatenate(list(frames), axis=1))
        top.set_axis_off()
        if true_labels is not None:
            top.set_title(f"true: {true_labels[i]}", fontsize=9)
        bottom = fig.add_subplot(grid[1, i])
        positions = np.arange(k)[::-1]  # best on top
        bars = bottom.barh(positions, scores[i], color=["tab:blue"] + ["tab:gray"] * (k - 1))
        bottom.set_yticks(positions, [str(label) for label in labels[i]], fontsize=8)
        bottom.set_xlim(0, 1)
        bottom.bar_label(bars, labels=[f"{s:.0%}" for s in scores[i]], fontsize=8, padding=2)
        bottom.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    return fig
