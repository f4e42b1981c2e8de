"""The paper's figure 7: a few frames of each video above its k best classes."""

import numpy as np

from ._matplotlib import _pyplot

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
