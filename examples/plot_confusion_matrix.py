"""
=========================================
Which actions are confused with which
=========================================

An accuracy says how often the model is right; a confusion matrix says what it takes
each action for when it is wrong. Here every video is predicted by a model that never saw
its actor (:func:`~sklearn.model_selection.cross_val_predict` with
:class:`~sklearn.model_selection.LeaveOneGroupOut`), and scikit-learn's
:class:`~sklearn.metrics.ConfusionMatrixDisplay` draws the counts.
"""

# %%
# Held-out predictions for every video
# ------------------------------------
# Six directions of motion, three actors. Each of the three folds trains on two actors
# and predicts the third, so each video gets exactly one prediction, from a model that
# did not train on it. The feature store (``memory``) computes each video's features once
# for the three folds.
import tempfile

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec.datasets import make_synthetic_videos

workdir = tempfile.mkdtemp()
data = make_synthetic_videos(workdir, n_classes=6, n_groups=3, n_videos_per_group=3,
                             n_frames=8, frame_size=32, random_state=0)
y = data.target_names[data.target]
pipe = make_pipeline(
    VGG16FrameFeaturizer(n_frames=8, frame_size=32, layer="block4_pool", weights=None,
                         memory=f"{workdir}/features"),
    LSTMVideoClassifier(n_units=16, epochs=120, batch_size=8, learning_rate=0.002,
                        random_state=0),
)
predicted = cross_val_predict(pipe, data.filenames, y, groups=data.groups,
                              cv=LeaveOneGroupOut())
print(f"leave-one-actor-out accuracy: {accuracy_score(y, predicted):.0%} "
      f"of {len(y)} videos")

# %%
# The confusion matrix
# --------------------
# Rows are the true classes, columns the predicted ones; the diagonal holds the correct
# predictions. The classes are listed in the order of ``data.target_names`` so that
# opposite directions sit side by side.
fig, ax = plt.subplots(figsize=(6, 5.4), layout="constrained")
display = ConfusionMatrixDisplay.from_predictions(
    y, predicted, labels=data.target_names, ax=ax, cmap="Blues", colorbar=False,
    xticks_rotation=45)
ax.set_xlabel("predicted class")
ax.set_ylabel("true class")
ax.set_title("Synthetic videos: test videos per true and predicted class\n"
             "(each predicted by a model that did not see its actor)", fontsize=10)
plt.show()

# %%
# Read the off-diagonal cells row by row: a diagonal motion such as ``down_right``
# shares a component with ``right`` and with ``down``, so mistakes between such pairs
# are the ones to expect from a model that sees little of the motion. Recall per class
# (the diagonal over the row's sum) puts numbers on it:
matrix = display.confusion_matrix
for name, recall in zip(data.target_names, np.diag(matrix) / matrix.sum(axis=1), strict=True):
    print(f"{name:<10s} {recall:.0%}")
