"""
==================================
The top-3 classes of single videos
==================================

The paper's figure 7 shows, for one video of each dataset, a few of its frames and the
three classes the system finds most probable, with their scores. This example draws the
same figure for videos of an actor the model has not seen: :func:`~skactrec.predict_top_k`
ranks the classes of any fitted classifier by ``predict_proba``, and
:func:`~skactrec.plot_top_k` draws frames above and scores below.
"""

# %%
# A model trained on two actors
# -----------------------------
# Six classes this time (four directions and two diagonals), so that the second and third
# guesses mean something. The settings are the small ones of the other examples (random
# VGG16 weights, 8 frames of 32x32, ``block4_pool``); the paper's are the defaults.
import tempfile

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, plot_top_k, predict_top_k
from skactrec.datasets import make_synthetic_videos

data = make_synthetic_videos(tempfile.mkdtemp(), n_classes=6, n_groups=3,
                             n_videos_per_group=3, n_frames=8, frame_size=32, random_state=0)
videos, y = np.asarray(data.filenames), data.target_names[data.target]
test = data.groups == 3
pipe = make_pipeline(
    VGG16FrameFeaturizer(n_frames=8, frame_size=32, layer="block4_pool", weights=None),
    LSTMVideoClassifier(n_units=16, epochs=120, batch_size=8, learning_rate=0.002,
                        random_state=0),
)
pipe.fit(videos[~test], y[~test])
print(f"accuracy on the unseen actor: {pipe.score(videos[test], y[test]):.0%}")

# %%
# The three best classes of three unseen videos
# ---------------------------------------------
# ``predict_top_k`` returns the labels and the probabilities, best first, one row per
# video.
shown = [np.flatnonzero(test & (y == name))[0] for name in ["right", "down_right", "up"]]
labels, scores = predict_top_k(pipe, videos[shown], k=3)
for truth, row, row_scores in zip(y[shown], labels, scores, strict=True):
    print(f"true {truth:<10s} top-3: " + ", ".join(
        f"{label} {score:.0%}" for label, score in zip(row, row_scores, strict=True)))

# %%
# The figure: frames spread over each video (time runs left to right), and the scores
# of its top-3 classes. The title is green when the best class is the true one, red when
# it is not.
plot_top_k(videos[shown], labels, scores, true_labels=y[shown],
           title="Top-3 classes of videos of an unseen actor")
plt.show()
