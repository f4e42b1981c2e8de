"""
=====================================================
Temporal attention: which frames the classifier reads
=====================================================

Beyond the paper: its conclusion names attention as the next step, for actions that fill
only a few of a clip's frames. ``LSTMVideoClassifier(temporal_pooling="attention")`` scores
every hidden state of the LSTM, turns the scores into weights with a softmax over the
frames, and classifies the weighted sum; :meth:`~skactrec.LSTMVideoClassifier.frame_importances`
returns the weights. Here the synthetic shape moves during 4 of 16 frames only, at a random
moment, and stands still before and after (``make_synthetic_videos(motion_frames=4)``).
"""

# %%
# A task where the action is short
# ---------------------------------
import tempfile

import matplotlib.pyplot as plt
import numpy as np

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, plot_top_k, predict_top_k
from skactrec.datasets import make_synthetic_videos

data = make_synthetic_videos(tempfile.mkdtemp(), n_classes=4, n_groups=4,
                             n_videos_per_group=3, n_frames=16, frame_size=32,
                             motion_frames=4, random_state=0)
videos, y = np.asarray(data.filenames), data.target_names[data.target]
X = VGG16FrameFeaturizer(n_frames=16, frame_size=32, layer="block4_pool",
                         weights=None).fit_transform(videos)
test = data.groups == 4  # an actor the models never see
print(f"{len(videos)} videos; motion starts at frames {sorted(set(data.motion_start))}")

# %%
# The paper's last hidden state against attention
# ------------------------------------------------
# The same LSTM, trained the same way; only what the output layer reads differs.
models = {}
for pooling in ("last", "attention"):
    models[pooling] = LSTMVideoClassifier(
        n_units=16, epochs=150, batch_size=8, learning_rate=0.003,
        temporal_pooling=pooling, random_state=0).fit(X[~test], y[~test])
    accuracy = models[pooling].score(X[test], y[test])
    print(f"{pooling:>9}: accuracy on the unseen actor {accuracy:.2f}")

# %%
# Where attention looks
# ---------------------
# Each held-out video's frame importances, aligned on the first frame of its motion: the
# LSTM's state at a frame holds what it has seen up to that frame, so weight on the frames
# during and after the motion is weight on states that know the direction.
importances = models["attention"].frame_importances(X[test])
starts = data.motion_start[test]
offsets = np.arange(16)[None, :] - starts[:, None]
fig, ax = plt.subplots(figsize=(7, 3))
for row, offset in zip(importances, offsets, strict=True):
    ax.plot(offset, row, color="tab:blue", alpha=0.35)
ax.axvspan(-0.5, 3.5, color="tab:orange", alpha=0.2, label="the 4 frames of motion")
ax.axhline(1 / 16, color="0.4", linestyle="--", label="uniform (1/16)")
ax.set_xlabel("frame, from the start of the motion")
ax.set_ylabel("importance")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()
on_motion = (importances * ((offsets >= 0) & (offsets < 4))).sum(axis=1).mean()
print(f"importance on the motion's 4 frames: {on_motion:.2f} (uniform share 0.25)")

# %%
# Frames shaded by their importance
# ---------------------------------
# :func:`~skactrec.plot_top_k` takes the importances: each frame shown is darker the less
# the classifier weighed it.
shown = np.flatnonzero(test)[:4]
labels, scores = predict_top_k(models["attention"], X[shown], k=3)
fig = plot_top_k(videos[shown], labels, scores, true_labels=y[shown], n_frames_shown=8,
                 importances=importances[:4])
