"""The classifier tests' sequence task: tiny settings that learn it, and its data."""

import numpy as np

# Tiny settings that learn the sequence task below (about 1.5 s per fit on 2 cores).
FAST = dict(n_units=8, epochs=20, batch_size=16, learning_rate=0.01)


def make_sequences(n_videos, n_frames=6, n_features=3, seed=0):
    """Noise sequences whose class is written at frame 3 only (not the last frame), in the
    sign of feature 0: an LSTM must read the sequence and remember it to classify."""
    rng = np.random.RandomState(seed)
    X = rng.normal(scale=0.5, size=(n_videos, n_frames, n_features)).astype(np.float32)
    sign = rng.choice([-1.0, 1.0], size=n_videos)
    X[:, 3, 0] += 2 * sign
    y = np.where(sign > 0, "boxing", "walking")
    return X, y
