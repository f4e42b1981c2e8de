"""
==========================================
Quick start: classify videos in a Pipeline
==========================================

skactrec splits the CNN-LSTM of Orozco et al. into two scikit-learn estimators:
:class:`~skactrec.VGG16FrameFeaturizer` turns each video into a sequence of VGG16 frame
features, and :class:`~skactrec.LSTMVideoClassifier` reads that sequence and names the
action. Put together in a :class:`~sklearn.pipeline.Pipeline`, they take video files in
and give class labels out, like any other classifier.

This example trains that pipeline on a few synthetic videos and tests it on videos of an
"actor" it has never seen. It runs in about half a minute on a laptop's CPU.
"""

# %%
# Some videos to learn from
# -------------------------
# :func:`~skactrec.datasets.make_synthetic_videos` writes small ``.mp4`` files: a shape
# moves across a textured background, and the class is the direction of the motion.
# Each group is an "actor" with its own shape and colours, as people are in KTH or
# UCF-11.
import tempfile

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, read_video
from skactrec.datasets import make_synthetic_videos

workdir = tempfile.mkdtemp()
data = make_synthetic_videos(workdir, n_classes=4, n_groups=3, n_videos_per_group=3,
                             n_frames=8, frame_size=32, random_state=0)
videos = np.asarray(data.filenames)
y = data.target_names[data.target]
print(f"{len(videos)} videos of the classes {', '.join(data.target_names)}")

# %%
# One video of each class, one frame per column (time runs from left to right):
fig, axes = plt.subplots(len(data.target_names), 8, figsize=(7, 3.9), layout="constrained")
for row, name in zip(axes, data.target_names, strict=True):
    frames = read_video(videos[y == name][0], n_frames=8, frame_size=None)
    for t, (ax, frame) in enumerate(zip(row, frames, strict=True)):
        ax.imshow(frame)
        ax.set_xticks([])
        ax.set_yticks([])
        if name == data.target_names[0]:
            ax.set_title(f"frame {t + 1}", fontsize=9)
    row[0].set_ylabel(name, fontsize=10)
fig.suptitle("The classes are directions of motion")
plt.show()

# %%
# Train on two actors, test on the third
# --------------------------------------
# Testing on an unseen actor asks the model to recognise the *motion*, not the actor's
# looks: that is what the paper's protocols do too (KTH tests on people absent from
# training).
test = data.groups == 3
videos_train, videos_test, y_train, y_test = videos[~test], videos[test], y[~test], y[test]

# %%
# The CNN-LSTM pipeline
# ---------------------
# The paper's settings are the defaults: ``VGG16FrameFeaturizer()`` reads 40 frames of
# 224x224 through ImageNet-trained VGG16. Here VGG16 has random weights (nothing to
# download) and reads 8 frames of 32x32 up to ``block4_pool``: such shallow features of
# small frames still say where the shape is, which is enough to see its motion, and they
# take seconds to compute instead of minutes.
pipe = make_pipeline(
    VGG16FrameFeaturizer(n_frames=8, frame_size=32, layer="block4_pool", weights=None),
    LSTMVideoClassifier(n_units=16, epochs=40, batch_size=8, learning_rate=0.003,
                        random_state=0),
)
pipe.fit(videos_train, y_train)
print(f"accuracy on the unseen actor: {pipe.score(videos_test, y_test):.0%}")

# %%
# Predictions are class names, and ``predict_proba`` gives each class's probability in
# the order of ``pipe.classes_``:
shown = videos_test[::3]  # one video of each class
print("true    predicted  " + "  ".join(f"{c:>5s}" for c in pipe.classes_))
for truth, predicted, proba in zip(y_test[::3], pipe.predict(shown),
                                   pipe.predict_proba(shown), strict=True):
    print(f"{truth:<7s} {predicted:<9s}  " + "  ".join(f"{p:5.2f}" for p in proba))

# %%
# Where to go next
# ----------------
# * :ref:`sphx_glr_auto_examples_plot_unit_sweep.py` chooses the number of LSTM units with
#   :class:`~sklearn.model_selection.GridSearchCV`, as the paper does.
# * :ref:`sphx_glr_auto_examples_plot_feature_store.py` computes each video's features
#   once for a whole search, with ``memory=``.
# * ``reproduce_kth.py`` and its siblings run the paper's experiments on the real datasets.
