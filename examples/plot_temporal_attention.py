"""
=====================================================
Temporal attention: which frames the classifier reads
=====================================================

Beyond the paper: its conclusion names attention as the next step, for actions that fill
only a few of a clip's frames. ``LSTMVideoClassifier(temporal_pooling="attention")`` scores
every hidden state of the LSTM, turns the scores into weights with a softmax over the
frames, and classifies the weighted sum;
:meth:`~skactrec.LSTMVideoClassifier.frame_importances` returns the weights.

The task: a shape rests near the centre, moves away in the class's direction and back
during 4 of 16 frames at a random moment, and rests again
(``make_synthetic_videos(motion_frames=4)``). Resting place and moment are drawn alike for
every class, so only those 4 frames tell the class.
"""

# %%
# A task where the action is short
# ---------------------------------
import tempfile

import matplotlib.pyplot as plt
import numpy as np

from skactrec import (
    LSTMVideoClassifier,
    VGG16FrameFeaturizer,
    plot_top_k,
    predict_top_k,
    read_video,
)
from skactrec.datasets import make_synthetic_videos

data = make_synthetic_videos(tempfile.mkdtemp(), n_classes=4, n_groups=4,
                             n_videos_per_group=3, n_frames=16, frame_size=32,
                             motion_frames=4, random_state=0)
videos, y = np.asarray(data.filenames), data.target_names[data.target]
X = VGG16FrameFeaturizer(n_frames=16, frame_size=32, layer="block4_pool",
                         weights=None).fit_transform(videos)
test = data.groups == 4  # an actor the models never see
print(f"{len(videos)} videos; the motion starts at frame {data.motion_start.min()} to "
      f"{data.motion_start.max()}")

# %%
# The motion moves the features little against the differences between actors, so each
# feature is standardised with the training videos' mean and deviation; without it,
# neither model fits even its training videos here in 100 epochs
# (``benchmarks/bench_attention.py --raw``).
mean, deviation = X[~test].mean(axis=(0, 1)), X[~test].std(axis=(0, 1))
X = (X - mean) / np.where(deviation > 0, deviation, 1.0)

# %%
# The paper's last hidden state against attention
# ------------------------------------------------
# The same LSTM, trained the same way; only what the output layer reads differs.
models = {}
for pooling in ("last", "attention"):
    models[pooling] = LSTMVideoClassifier(
        n_units=16, epochs=100, batch_size=8, learning_rate=0.003,
        temporal_pooling=pooling, random_state=0).fit(X[~test], y[~test])
    accuracy = models[pooling].score(X[test], y[test])
    print(f"{pooling:>9}: accuracy on the unseen actor {accuracy:.2f}")

# %%
# Where attention looks
# ---------------------
# Each held-out video's frame importances, aligned on the first frame of its motion. The
# LSTM's state at a frame holds what it has seen up to that frame, so the states during
# and after the motion are those that know the direction.
importances = models["attention"].frame_importances(X[test])
offsets = np.arange(16)[None, :] - data.motion_start[test][:, None]
fig, ax = plt.subplots(figsize=(7, 3))
for row, offset in zip(importances, offsets, strict=True):
    ax.plot(offset, row, color="tab:blue", alpha=0.35)
ax.axvspan(-0.5, 3.5, color="tab:orange", alpha=0.2, label="the 4 frames of motion")
ax.axhline(1 / 16, color="0.4", linestyle="--", label="uniform (1/16)")
ax.set_xlabel("frame, counted from the first frame of the motion")
ax.set_ylabel("importance")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()
on_motion = (importances * ((offsets >= 0) & (offsets < 4))).sum(axis=1).mean()
print(f"importance on the motion's 4 frames: {on_motion:.2f} (uniform share 0.25)")

# %%
# One video, frame by frame
# -------------------------
# A held-out video's 16 frames above their importances; the frames of the motion are
# marked in orange.
index = np.flatnonzero(test)[np.argmax(importances.max(axis=1))]
frames = read_video(videos[index], n_frames=16, frame_size=None, sampling="first")
weights = models["attention"].frame_importances(X[[index]])[0]
start = data.motion_start[index]
fig, axes = plt.subplots(2, 16, figsize=(10, 3), height_ratios=[1, 1.4])
fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.88, hspace=0.12)
for t, (frame, ax) in enumerate(zip(frames, axes[0], strict=True)):
    ax.imshow(frame)
    ax.set_xticks([])
    ax.set_yticks([])
    moving = start <= t < start + 4
    for side in ax.spines.values():
        side.set(color="tab:orange" if moving else "0.8", linewidth=2.5 if moving else 0.5)
bars = fig.add_subplot(2, 1, 2)
for ax in axes[1]:
    ax.remove()
bars.bar(np.arange(16), weights, color=["tab:orange" if start <= t < start + 4 else "tab:blue"
                                        for t in range(16)])
bars.axhline(1 / 16, color="0.4", linestyle="--", linewidth=1)
bars.set_xlim(-0.5, 15.5)
bars.set_xlabel("frame")
bars.set_ylabel("importance")
fig.suptitle(f"true: {y[index]}; predicted: {models['attention'].predict(X[[index]])[0]}",
             fontsize=10)

# %%
# Frames shaded by their importance
# ---------------------------------
# :func:`~skactrec.plot_top_k` takes the importances: each frame shown is darker the less
# the classifier weighed it, against the video's most important frame.
shown = np.flatnonzero(test)[[0, 4]]
labels, scores = predict_top_k(models["attention"], X[shown], k=3)
fig = plot_top_k(videos[shown], labels, scores, true_labels=y[shown], n_frames_shown=16,
                 importances=models["attention"].frame_importances(X[shown]))
