"""plot_timeline: frames over time above the classes' probabilities, window by window."""

import numpy as np

from ._matplotlib import _pyplot


def _clock(seconds, decimals=0):
    """``m:ss`` (``m:ss.s`` with a decimal)."""
    minutes, seconds = divmod(round(float(seconds), decimals), 60)
    width = 3 + decimals if decimals else 2
    return f"{int(minutes)}:{seconds:0{width}.{decimals}f}"


def _tick_step(duration):
    """Seconds between time ticks: a round step giving 5 to 12 ticks."""
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if duration / step <= 12:
            return step
    return 7200


def _strip(ax, timeline, n_thumbnails, duration):
    """``n_thumbnails`` frames side by side, each in the time slot it is nearest to."""
    n_shown = min(n_thumbnails, len(timeline.thumbnails))
    width = duration / n_shown
    for slot in range(n_shown):
        centre = (slot + 0.5) * width
        nearest = int(np.argmin(np.abs(timeline.thumbnail_times - centre)))
        ax.imshow(timeline.thumbnails[nearest], extent=(slot * width, (slot + 1) * width, 0, 1),
                  aspect="auto", interpolation="antialiased")
    ax.set_xlim(0, duration)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)


def _classes_shown(timeline, max_classes):
    """The classes drawn apart, most probable on average first: all of them if they are
    at most ``max_classes``, else those that are the best of some window."""
    shown = np.arange(len(timeline.classes))
    if len(shown) > max_classes:
        shown = np.unique(np.argmax(timeline.proba, axis=1))
    order = shown[np.argsort(-timeline.proba[:, shown].mean(axis=0), kind="stable")]
    return order[:max_classes]


def plot_timeline(timeline, *, n_thumbnails=12, max_classes=8, fig=None):
    """Draw a timeline: a strip of frames over time above the stacked class probabilities.

    Each window's probabilities fill the time from its start to the next window's. With
    at most ``max_classes`` classes, each is drawn apart; with more, those that are the
    best of some window (at most ``max_classes``, the most probable on average first),
    the rest together as "other".

    Parameters
    ----------
    timeline : Bunch
        The result of :func:`predict_timeline`.
    n_thumbnails : int, default=12
        Frames in the strip, spread evenly over the video.
    max_classes : int, default=8
        Classes drawn apart.
    fig : matplotlib.figure.Figure, default=None
        Figure to draw into; a new one 12 inches wide if None.

    Returns
    -------
    fig : matplotlib.figure.Figure

    See Also
    --------
    predict_timeline : Computes the timeline.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from skactrec import plot_timeline
    >>> timeline = Bunch(  # 3 windows of 1.6 s; what predict_timeline returns
    ...     start=np.array([0.0, 1.6, 3.2]), end=np.array([1.6, 3.2, 4.8]),
    ...     proba=np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]]),
    ...     classes=np.array(["walk", "run"]),
    ...     thumbnails=np.zeros((3, 32, 32, 3), np.uint8),
    ...     thumbnail_times=np.array([0.0, 1.6, 3.2]))
    >>> fig = plot_timeline(timeline)
    >>> [text.get_text() for text in fig.axes[1].get_legend().get_texts()]
    ['walk', 'run']
    """
    plt = _pyplot()
    if len(timeline.start) == 0:
        raise ValueError("the timeline has no window to draw.")
    if fig is None:
        fig = plt.figure(figsize=(12, 4.8))
    strip_ax, proba_ax = fig.subplots(2, 1, sharex=True,
                                      gridspec_kw={"height_ratios": [1, 2.2], "hspace": 0.05})
    duration = float(timeline.end[-1])  # the last window ends the video
    _strip(strip_ax, timeline, n_thumbnails, duration)

    shown = _classes_shown(timeline, max_classes)
    layers = [timeline.proba[:, i] for i in shown]
    names = [str(timeline.classes[i]) for i in shown]
    rest = 1.0 - np.sum(layers, axis=0)
    if len(shown) < len(timeline.classes):
        layers.append(np.clip(rest, 0, 1))
        names.append("other")
    # Each window holds from its start until the next window's start (the last: its end).
    edges = np.append(timeline.start, duration)
    bottom = np.zeros(len(edges))
    colors = plt.get_cmap("tab10").colors
    for i, (layer, name) in enumerate(zip(layers, names, strict=True)):
        top = bottom + np.append(layer, layer[-1])
        color = "0.8" if name == "other" else colors[i % len(colors)]
        proba_ax.fill_between(edges, bottom, top, step="post", color=color, label=name,
                              linewidth=0)
        bottom = top
    proba_ax.set_xlim(0, duration)
    proba_ax.set_ylim(0, 1)
    proba_ax.set_ylabel("probability")
    proba_ax.set_xlabel("time (min:s)")
    from matplotlib.ticker import MultipleLocator

    step = _tick_step(duration)
    proba_ax.xaxis.set_major_locator(MultipleLocator(step))
    proba_ax.xaxis.set_major_formatter(lambda seconds, _: _clock(seconds, int(step < 1)))
    proba_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    fig.subplots_adjust(right=0.86)
    return fig
