"""Plots: accuracy against units (figures 4-6) and top-k strips (figure 7)."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skactrec import plot_top_k, plot_unit_sweep  # noqa: E402

RESULTS = {
    "param_lstmvideoclassifier__n_units": np.array([360, 40, 80]),
    "mean_test_score": np.array([0.93, 0.80, 0.88]),
    "std_test_score": np.array([0.01, 0.03, 0.02]),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_unit_sweep_draws_sorted_means_and_marks_the_best():
    ax = plot_unit_sweep(RESULTS)
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [40, 80, 360])
    np.testing.assert_allclose(y, [0.80, 0.88, 0.93])
    assert "93.0% at 360 units" in ax.texts[0].get_text()
    assert ax.get_xlabel() == "LSTM units" and ax.get_ylabel() == "accuracy"


def test_unit_sweep_explicit_param_and_errors():
    ax = plot_unit_sweep(RESULTS, param="lstmvideoclassifier__n_units", label="KTH")
    assert ax.get_legend().get_texts()[0].get_text() == "KTH"
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
    fig = plot_top_k(videos, labels, scores, true_labels=["right", "up"], n_frames_shown=3)
    frames_ax, bars_ax = fig.axes[0], fig.axes[1]
    assert frames_ax.images[0].get_array().shape == (32, 3 * 32, 3)
    assert frames_ax.get_title() == "true: right"
    by_height = sorted(zip(bars_ax.get_yticks(), (t.get_text() for t in bars_ax.get_yticklabels())))
    assert [label for _, label in by_height[::-1]] == ["right", "left", "up"]  # best on top
    widths = sorted(p.get_width() for p in bars_ax.patches)
    np.testing.assert_allclose(widths, [0.1, 0.2, 0.7])
    assert fig.axes[2].images[0].get_array().shape == (32, 3 * 48, 3)


def test_top_k_shape_mismatch():
    with pytest.raises(ValueError, match="must both be"):
        plot_top_k([np.zeros((2, 8, 8, 3), np.uint8)], [["a", "b"]], [[0.5]])
