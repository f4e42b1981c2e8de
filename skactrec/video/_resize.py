"""Resizing stacks of frames in numpy: antialiased separable linear resampling.

Used for videos given as arrays (videos read from files are resized inside ffmpeg).
"""

import numbers

import numpy as np

__all__ = ["resize_frames"]


def _linear_weights(in_size, out_size):
    """Weight matrix ``(out_size, in_size)`` of an antialiased triangle filter.

    The PIL approach: output pixel ``i`` is centred at ``(i + 0.5) * scale`` in input
    coordinates (``scale = in_size / out_size``); the triangle filter's support is
    widened by the downscale factor (``max(scale, 1)``) so that downscaling averages
    every input pixel it covers instead of aliasing; each row is normalised to sum to 1.
    """
    scale = in_size / out_size
    filter_scale = max(scale, 1.0)
    centres = (np.arange(out_size, dtype=np.float64) + 0.5) * scale
    positions = np.arange(in_size, dtype=np.float64) + 0.5
    distance = (positions[None, :] - centres[:, None]) / filter_scale
    weights = np.clip(1.0 - np.abs(distance), 0.0, None)
    totals = weights.sum(axis=1, keepdims=True)
    # Upscaling near the borders: a centre can sit half a pixel outside the first/last
    # pixel centre; the triangle still covers that pixel, so no row is ever empty.
    weights /= totals
    return weights.astype(np.float32)


def _check_size(size):
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in size)
    ):
        raise TypeError(f"size must be a (height, width) tuple of two ints, got {size!r}")
    height, width = (int(s) for s in size)
    if height < 1 or width < 1:
        raise ValueError(f"size must be positive, got {size!r}")
    return height, width


def resize_frames(frames, size):
    """Resize a stack of frames with an antialiased linear (triangle) filter.

    Parameters
    ----------
    frames : ndarray of shape (n_frames, height, width, n_channels), dtype uint8
        The frames to resize.
    size : tuple of (int, int)
        The output ``(height, width)``.

    Returns
    -------
    resized : ndarray of shape (n_frames, size[0], size[1], n_channels), dtype uint8
        A new array; an exact copy of ``frames`` when the size is unchanged.

    Raises
    ------
    TypeError
        If ``size`` is not a pair of ints.
    ValueError
        If ``frames`` is not a 4-D uint8 array, or ``size`` is not positive.

    Notes
    -----
    Separable resampling as in PIL's ``Image.resize(..., BILINEAR)``: one weight
    matrix per axis, whose triangle filter widens with the downscale factor, applied
    with two matrix products over the whole stack (no loop over frames or pixels).
    Downscaling by a factor ``k`` weights the ``2k`` nearest input pixels of each
    axis with a triangle (for ``k = 2``: ``1/8, 3/8, 3/8, 1/8``), so linear ramps are
    preserved and a one-pixel checkerboard becomes its 2x2 block mean, 127.5, away
    from the borders, where the truncated weights are renormalised (as in PIL).
    The computation is in float32 and rounded to the nearest integer.

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec.video._resize import resize_frames
    >>> frames = np.zeros((2, 48, 64, 3), dtype=np.uint8)
    >>> resize_frames(frames, (24, 32)).shape
    (2, 24, 32, 3)
    """
    frames = np.asarray(frames)
    if frames.ndim != 4:
        raise ValueError(
            "frames must have shape (n_frames, height, width, n_channels), got shape "
            f"{frames.shape}"
        )
    if frames.dtype != np.uint8:
        raise ValueError(f"frames must be uint8, got dtype {frames.dtype}")
    out_h, out_w = _check_size(size)
    n, in_h, in_w, n_channels = frames.shape
    if (out_h, out_w) == (in_h, in_w):
        return frames.copy()
    if n == 0 or n_channels == 0:
        return np.empty((n, out_h, out_w, n_channels), dtype=np.uint8)

    weights_h = _linear_weights(in_h, out_h)  # (out_h, in_h)
    weights_w = _linear_weights(in_w, out_w)  # (out_w, in_w)
    x = frames.astype(np.float32)

    def along_height(a):
        # (out_h, H) @ (T, H, W * C) -> (T, out_h, W * C)
        t, h, w, c = a.shape
        return np.matmul(weights_h, a.reshape(t, h, w * c)).reshape(t, out_h, w, c)

    def along_width(a):
        # (T * H, W, C) contracted with (out_w, W) -> (T * H, out_w, C)
        t, h, w, c = a.shape
        moved = np.moveaxis(a.reshape(t * h, w, c), 1, 2)  # (T * H, C, W)
        res = np.matmul(moved, weights_w.T)  # (T * H, C, out_w)
        return np.moveaxis(res, 2, 1).reshape(t, h, out_w, c)

    # Do first the axis that leaves the smaller intermediate array.
    if out_h * in_w <= in_h * out_w:
        x = along_width(along_height(x))
    else:
        x = along_height(along_width(x))
    np.rint(x, out=x)
    np.clip(x, 0, 255, out=x)
    return np.ascontiguousarray(x, dtype=np.uint8)
