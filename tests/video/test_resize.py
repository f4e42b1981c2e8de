"""Tests of skactrec.video._resize: antialiased linear resampling of frame stacks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skactrec.video._resize import resize_frames


def _reference_resize(frames, size):
    """Slow, loop-based PIL-style triangle resampling, written independently."""
    def axis_weights(n_in, n_out):
        scale = n_in / n_out
        support = max(scale, 1.0)
        w = np.zeros((n_out, n_in))
        for i in range(n_out):
            centre = (i + 0.5) * scale
            for j in range(n_in):
                w[i, j] = max(0.0, 1.0 - abs(j + 0.5 - centre) / support)
            w[i] /= w[i].sum()
        return w

    wh = axis_weights(frames.shape[1], size[0])
    ww = axis_weights(frames.shape[2], size[1])
    out = np.zeros((frames.shape[0], size[0], size[1], frames.shape[3]))
    for t in range(frames.shape[0]):
        for c in range(frames.shape[3]):
            out[t, :, :, c] = wh @ frames[t, :, :, c].astype(float) @ ww.T
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def test_identity_is_an_exact_copy():
    rng = np.random.RandomState(0)
    frames = rng.randint(0, 256, size=(3, 17, 23, 3), dtype=np.uint8)
    out = resize_frames(frames, (17, 23))
    np.testing.assert_array_equal(out, frames)
    assert not np.shares_memory(out, frames)


@pytest.mark.parametrize("size", [(8, 8), (5, 13), (40, 30), (64, 64), (1, 1)])
@pytest.mark.parametrize("value", [0, 77, 255])
def test_constant_image_stays_constant(size, value):
    frames = np.full((2, 24, 32, 3), value, dtype=np.uint8)
    out = resize_frames(frames, size)
    assert out.shape == (2, *size, 3)
    assert (out == value).all()


def test_downscale_checkerboard_gives_block_means():
    # A one-pixel checkerboard: every 2x2 block averages 127.5. Away from the border
    # (where the triangle is truncated and renormalised) each output pixel is that mean.
    yy, xx = np.mgrid[0:32, 0:32]
    board = np.where((yy + xx) % 2 == 0, 0, 255).astype(np.uint8)
    frames = np.repeat(board[None, :, :, None], 3, axis=-1)
    out = resize_frames(frames, (16, 16)).astype(int)
    interior = out[:, 1:-1, 1:-1]
    assert np.isin(interior, [127, 128]).all()


def test_downscale_of_constant_blocks_on_a_ramp_gives_the_block_values():
    # 2x2 constant blocks whose values form a linear ramp: the triangle filter preserves
    # linear functions, so each interior output pixel equals its block's value.
    block_values = 10 * np.arange(12)[:, None] + 5 * np.arange(12)[None, :]
    image = np.kron(block_values, np.ones((2, 2))).astype(np.uint8)  # 24x24
    frames = image[None, :, :, None]
    out = resize_frames(frames, (12, 12))[0, :, :, 0].astype(int)
    np.testing.assert_array_equal(out[1:-1, 1:-1], block_values[1:-1, 1:-1])


def test_upscale_shape_and_dtype():
    frames = np.random.RandomState(1).randint(0, 256, (4, 10, 12, 3), dtype=np.uint8)
    out = resize_frames(frames, (37, 50))
    assert out.shape == (4, 37, 50, 3)
    assert out.dtype == np.uint8
    assert out.flags.c_contiguous


@pytest.mark.parametrize("size", [(20, 7), (20, 64), (20, 200)])
def test_smooth_gradient_stays_monotonic(size):
    row = np.linspace(0, 255, 90).round().astype(np.uint8)
    frames = np.broadcast_to(row[None, None, :, None], (1, 20, 90, 3)).copy()
    out = resize_frames(frames, size).astype(int)
    assert (np.diff(out, axis=2) >= 0).all()
    assert out[:, :, 0].max() < 40 and out[:, :, -1].min() > 215


def test_output_is_a_convex_combination_of_the_input():
    # Non-negative normalised weights: the output stays within the input's range.
    rng = np.random.RandomState(2)
    frames = rng.randint(40, 200, size=(2, 31, 29, 3), dtype=np.uint8)
    for size in [(7, 9), (31, 60), (100, 13)]:
        out = resize_frames(frames, size)
        assert out.dtype == np.uint8
        assert frames.min() <= out.min() and out.max() <= frames.max()


def test_extremes_stay_in_uint8_range():
    rng = np.random.RandomState(3)
    frames = rng.choice(np.array([0, 255], dtype=np.uint8), size=(2, 16, 16, 3))
    out = resize_frames(frames, (23, 9))
    assert out.dtype == np.uint8
    assert out.min() >= 0 and out.max() <= 255


@pytest.mark.parametrize("size", [(6, 10), (15, 8), (9, 21), (12, 12)])
def test_matches_loop_reference(size):
    frames = np.random.RandomState(4).randint(0, 256, (2, 12, 14, 2), dtype=np.uint8)
    out = resize_frames(frames, size).astype(int)
    ref = _reference_resize(frames, size).astype(int)
    # float32 against float64: at most one grey level apart after rounding.
    assert np.abs(out - ref).max() <= 1


@settings(max_examples=30, deadline=None)
@given(
    in_h=st.integers(1, 20), in_w=st.integers(1, 20),
    out_h=st.integers(1, 40), out_w=st.integers(1, 40),
    value=st.integers(0, 255),
)
def test_property_constant_and_shape(in_h, in_w, out_h, out_w, value):
    frames = np.full((2, in_h, in_w, 3), value, dtype=np.uint8)
    out = resize_frames(frames, (out_h, out_w))
    assert out.shape == (2, out_h, out_w, 3)
    assert (out == value).all()


def test_input_not_modified():
    frames = np.random.RandomState(5).randint(0, 256, (2, 20, 20, 3), dtype=np.uint8)
    before = frames.copy()
    resize_frames(frames, (7, 9))
    np.testing.assert_array_equal(frames, before)


@pytest.mark.parametrize(
    "frames, size, error, match",
    [
        (np.zeros((4, 4, 3), np.uint8), (2, 2), ValueError, "shape"),
        (np.zeros((1, 4, 4, 3), np.float32), (2, 2), ValueError, "uint8"),
        (np.zeros((1, 4, 4, 3), np.uint8), (0, 2), ValueError, "positive"),
        (np.zeros((1, 4, 4, 3), np.uint8), 2, TypeError, "size"),
        (np.zeros((1, 4, 4, 3), np.uint8), (2, 2, 2), TypeError, "size"),
        (np.zeros((1, 4, 4, 3), np.uint8), (2.0, 2), TypeError, "size"),
    ],
)
def test_bad_inputs(frames, size, error, match):
    with pytest.raises(error, match=match):
        resize_frames(frames, size)


def test_downscale_is_antialiased():
    # One bright column in four: point-sampling bilinear (no antialiasing) lands between
    # two dark columns and loses the lines; the widened triangle keeps their mean, 255/4.
    pattern = np.tile(np.array([255, 0, 0, 0], dtype=np.uint8), 16)  # 64 columns
    frames = np.broadcast_to(pattern[None, None, :, None], (1, 8, 64, 1)).copy()
    out = resize_frames(frames, (8, 16)).astype(int)
    assert np.abs(out[:, :, 1:-1] - 255 / 4).max() <= 1
