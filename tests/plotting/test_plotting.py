"""Plots: accuracy against units (figures 4-6), top-k strips (figure 7), reproduce's figures."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skactrec import plot_top_k, plot_unit_sweep  # noqa: E402
from skactrec.experiments import _figures, _reproduce  # noqa: E402

RESULTS = {
    "param_lstmvideoclassifier__n_units": np.array([360, 40, 80]),
    "mean_test_score": np.array([0.93, 0.80, 0.88]),
    "std_test_score": np.array([0.01, 0.03, 0.02]),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def tick_texts(axis):
    return [t.get_text() for t in axis.get_ticklabels()]


def inches(fig, bbox):
    """``(x0, y0, x1, y1)`` of a bbox in figure fractions, in inches."""
    width, height = fig.get_size_inches()
    return bbox.x0 * width, bbox.y0 * height, bbox.x1 * width, bbox.y1 * height


def assert_inside_figure(fig):
    """No text or artist is cut off at the figure's edges."""
    renderer = fig.canvas.get_renderer()
    content = fig.get_tightbbox(renderer)  # in inches
    width, height = fig.get_size_inches()
    assert content.x0 >= -0.01 and content.y0 >= -0.01, content
    assert content.x1 <= width + 0.01 and content.y1 <= height + 0.01, content


def test_unit_sweep_draws_sorted_means_and_marks_the_best():
    ax = plot_unit_sweep(RESULTS)
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [40, 80, 360])
    np.testing.assert_allclose(y, [0.80, 0.88, 0.93])
    assert ax.lines[1].get_xydata().tolist() == [[360, 0.93]]  # the ring around the best
    assert legend_texts(ax) == ["mean over folds", "± 1 std over folds",
                                "best: 93.0% at 360 units"]
    assert ax.get_xlabel() == "number of LSTM units" and ax.get_ylabel() == "accuracy"
    assert ax.get_title() == "Accuracy against the number of LSTM units"


def test_unit_sweep_marks_the_fewest_units_among_equal_bests():
    """The sweeps' rule (GridSearchCV's refit in skactrec's experiments, their tables)."""
    results = {"param_lstmvideoclassifier__n_units": [360, 40, 80],
               "mean_test_score": [0.9, 0.9, 0.5]}
    ax = plot_unit_sweep(results)
    assert ax.lines[1].get_xydata().tolist() == [[40, 0.9]]
    assert legend_texts(ax)[-1] == "best: 90.0% at 40 units"


def test_unit_sweep_ticks_are_the_units_and_percentages():
    ax = plot_unit_sweep(RESULTS)
    ax.figure.canvas.draw()
    assert tick_texts(ax.xaxis) == ["40", "80", "360"]
    assert ax.get_xscale() == "linear"  # 360 / 40 = 9: a linear axis still reads well
    y_ticks = tick_texts(ax.yaxis)
    assert y_ticks and all(t.endswith("%") for t in y_ticks), y_ticks
    assert "90%" in y_ticks


def test_unit_sweep_wide_range_is_logarithmic_and_keeps_the_title_of_the_axes():
    _, ax = plt.subplots()
    ax.set_title("UCF-11")
    results = {"param_n_units": [2, 8, 32, 256], "mean_test_score": [0.2, 0.6, 0.8, 0.7]}
    plot_unit_sweep(results, ax=ax)
    ax.figure.canvas.draw()
    assert ax.get_xscale() == "log"
    assert tick_texts(ax.xaxis) == ["2", "8", "32", "256"]
    assert ax.get_title() == "UCF-11"
    assert not ax.collections  # no std: no band, and no band in the legend
    assert legend_texts(ax) == ["mean over folds", "best: 80.0% at 32 units"]


def test_unit_sweep_two_curves_on_one_axes():
    ax = plot_unit_sweep(RESULTS, label="KTH")
    other = {**RESULTS, "mean_test_score": np.array([0.90, 0.85, 0.87])}
    plot_unit_sweep(other, ax=ax, label="UCF-11")
    texts = legend_texts(ax)
    assert "KTH, best: 93.0% at 360 units" in texts
    assert "UCF-11, best: 90.0% at 360 units" in texts
    assert "KTH, ± 1 std over folds" in texts and "UCF-11" in texts


def test_unit_sweep_explicit_param_and_errors():
    ax = plot_unit_sweep(RESULTS, param="lstmvideoclassifier__n_units", label="KTH")
    assert legend_texts(ax)[0] == "KTH"
    with pytest.raises(ValueError, match="no 'param_n_units'"):
        plot_unit_sweep(RESULTS, param="n_units")
    both = {**RESULTS, "param_other__n_units": [1, 2, 3]}
    with pytest.raises(ValueError, match="Cannot tell"):
        plot_unit_sweep(both)
    repeated = {**RESULTS, "param_lstmvideoclassifier__n_units": np.array([40, 40, 80])}
    with pytest.raises(ValueError, match="Several results per unit count"):
        plot_unit_sweep(repeated)


def test_top_k_strip_shows_frames_classes_and_scores(synthetic_videos):
    videos = [synthetic_videos.filenames[0], np.zeros((5, 32, 48, 3), np.uint8)]
    labels = [["right", "left", "up"], ["up", "down", "left"]]
    scores = [[0.7, 0.2, 0.1], [0.5, 0.3, 0.2]]
    fig = plot_top_k(videos, labels, scores, true_labels=["right", "down"], n_frames_shown=3)
    frames_ax, bars_ax = fig.axes[0], fig.axes[1]
    # Three frames side by side, a 1-pixel white line between two.
    strip = frames_ax.images[0].get_array()
    assert strip.shape == (32, 3 * 32 + 2, 3)
    assert (strip[:, 32] == 255).all() and (strip[:, 65] == 255).all()
    assert frames_ax.get_title() == "true: right"
    by_height = sorted(zip(bars_ax.get_yticks(), tick_texts(bars_ax.yaxis), strict=True))
    assert [label for _, label in by_height[::-1]] == ["right", "left", "up"]  # best on top
    widths = sorted(p.get_width() for p in bars_ax.patches)
    np.testing.assert_allclose(widths, [0.1, 0.2, 0.7])
    assert [t.get_text() for t in bars_ax.texts] == ["70%", "20%", "10%"]
    assert bars_ax.get_xlabel() == "score"
    assert fig.axes[2].images[0].get_array().shape == (32, 3 * 48 + 2 * 2, 3)  # 2-pixel lines
    # The title says whether the best class is the true one.
    right, wrong = fig.axes[0].title.get_color(), fig.axes[2].title.get_color()
    assert right != wrong and wrong == "tab:red"


def test_top_k_small_scores_are_not_shown_as_zero():
    video = np.zeros((4, 32, 32, 3), np.uint8)
    fig = plot_top_k([video, video], [["a", "b", "c"], ["b", "a", "c"]],
                     [[0.994, 0.004, 0.0], [0.99, 0.005, 0.005]])
    assert [t.get_text() for t in fig.axes[1].texts] == ["99%", "<1%", "0%"]
    assert [t.get_text() for t in fig.axes[3].texts] == ["99%", "<1%", "<1%"]  # 0.5% too


@pytest.mark.parametrize("height, width", [(32, 32), (120, 160), (240, 320)])
def test_top_k_layout_leaves_no_empty_band(height, width):
    """The frames fill their axes, and the title, frames, bars and figure edges are close.

    The strip of four frames is wide and flat: a layout from fixed height ratios left a
    large empty band above it.
    """
    videos = [np.zeros((6, height, width, 3), np.uint8)] * 3
    labels = [["boxing", "handclapping", "walking"]] * 3
    fig = plot_top_k(videos, labels, [[0.8, 0.15, 0.05]] * 3, true_labels=["boxing"] * 3,
                     title="Top-3")
    fig.canvas.draw()
    frames_ax, bars_ax = fig.axes[0], fig.axes[1]
    box = inches(fig, frames_ax.get_position(original=True))
    shown = inches(fig, frames_ax.get_position(original=False))  # after the aspect ratio
    np.testing.assert_allclose(shown, box, atol=0.02)  # the image fills its whole box
    _, fig_height = fig.get_size_inches()
    renderer = fig.canvas.get_renderer()
    title_top = inches(fig, fig._suptitle.get_window_extent(renderer).transformed(
        fig.transFigure.inverted()))[3]
    assert fig_height - title_top < 0.25  # no band above the figure's title
    frames_title_bottom = inches(fig, frames_ax.title.get_window_extent(renderer).transformed(
        fig.transFigure.inverted()))[1]
    assert 0 <= frames_title_bottom - shown[3] < 0.15  # the video's title sits on its frames
    bars = inches(fig, bars_ax.get_position())
    assert 0 < shown[1] - bars[3] < 0.3  # the bars just below the frames
    content = fig.get_tightbbox(renderer)
    assert content.y0 < 0.3  # and nothing empty below them
    assert_inside_figure(fig)


def test_top_k_in_a_given_figure_keeps_its_size_and_fits_in_it():
    fig = plt.figure(figsize=(4, 6))
    video = np.zeros((6, 32, 32, 3), np.uint8)
    out = plot_top_k([video], [["volleyball_spiking", "trampoline_jumping", "basketball"]],
                     [[0.5, 0.3, 0.2]], true_labels=["basketball"], fig=fig)
    assert out is fig
    np.testing.assert_allclose(fig.get_size_inches(), (4, 6))
    fig.canvas.draw()
    assert_inside_figure(fig)


def test_top_k_shape_mismatch():
    with pytest.raises(ValueError, match="must both be"):
        plot_top_k([np.zeros((2, 8, 8, 3), np.uint8)], [["a", "b"]], [[0.5]])


@pytest.fixture
def saved_figures(monkeypatch):
    """The figures reproduce's helpers make, kept for inspection."""
    figures = []

    def figure(**kwargs):
        fig = plt.figure(**kwargs)
        figures.append(fig)
        return fig

    monkeypatch.setattr(_figures, "_figure", figure)
    return figures


def test_reproduce_sweep_figure_shows_the_papers_point(tmp_path, saved_figures):
    _figures.draw_sweep(tmp_path / "sweep.png", [2, 8, 32], [0.2, 0.9, 1.0], [0, 0, 0],
                        _reproduce.PAPER_RESULTS["kth"])
    assert (tmp_path / "sweep.png").stat().st_size > 0
    [fig] = saved_figures
    [ax] = fig.axes
    assert ax.get_title() == "KTH: accuracy against the number of LSTM units"
    assert "paper: 93.86% at 360 units" in legend_texts(ax)
    fig.canvas.draw()
    # 360 would crush 2, 8 and 32 together on a linear axis.
    assert ax.get_xscale() == "log" and tick_texts(ax.xaxis) == ["2", "8", "32", "360"]
    assert_inside_figure(fig)


@pytest.mark.parametrize("n_classes", [6, 51])
def test_reproduce_confusion_figure_is_labelled(tmp_path, saved_figures, n_classes):
    labels = np.array([f"class_{i}" for i in range(n_classes)])
    confusion = np.eye(n_classes, dtype=int) * 5 + 1
    _figures.draw_confusion(tmp_path / "c.png", confusion, labels,
                            _reproduce._confusion_title("HMDB-51", confusion))
    [fig] = saved_figures
    ax = fig.axes[0]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert f"{confusion.sum()} test predictions" in ax.get_title()
    assert tick_texts(ax.xaxis) == list(labels) and tick_texts(ax.yaxis) == list(labels)
    # Counts are printed in the cells up to 20 classes; beyond, a colour bar reads them.
    assert (len(ax.texts) == n_classes ** 2) == (n_classes <= 20)
    assert (len(fig.axes) == 2) == (n_classes > 20)
    fig.canvas.draw()
    assert_inside_figure(fig)


def test_reproduce_top_figure(tmp_path, saved_figures):
    videos = [np.zeros((6, 120, 160, 3), np.uint8), np.zeros((6, 120, 160, 3), np.uint8)]
    _figures.draw_top(tmp_path / "top.png", videos, np.array([["a", "b"], ["b", "a"]]),
                      np.array([[0.6, 0.4], [0.7, 0.3]]), np.array(["a", "a"]))
    [fig] = saved_figures
    assert fig._suptitle.get_text() == "Top-2 classes of test videos"
    assert len(fig.axes) == 4
    fig.canvas.draw()
    assert_inside_figure(fig)
