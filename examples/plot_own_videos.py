"""
============================================
Your own videos: class folders to a timeline
============================================

Most users have their own clips rather than KTH. Put them in one folder per class,
:func:`~skactrec.datasets.load_video_files` reads the layout, a
:class:`~sklearn.model_selection.GridSearchCV` picks the LSTM's units, and
:func:`~skactrec.predict_timeline` tells what happens when in a long video. The command
line runs the same steps (``skactrec fit``, ``evaluate``, ``timeline``; see
:doc:`/user_guide/own_videos`). Synthetic clips stand in for yours here, with the small
settings of the other examples (random VGG16 weights, 8 frames of 32x32,
``block4_pool``).
"""

# %%
# One folder per class
# --------------------
# ``make_synthetic_videos`` writes its clips as a user would lay them out:
# ``my_clips/<class>/g<actor>_c<clip>.mp4``. The actor in the name is the group: clips of
# one actor are never split between training and testing.
import tempfile
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut
from sklearn.pipeline import make_pipeline

from skactrec import (
    LSTMVideoClassifier,
    VGG16FrameFeaturizer,
    plot_timeline,
    predict_timeline,
    read_video,
)
from skactrec.datasets import load_video_files, make_synthetic_videos

workdir = Path(tempfile.mkdtemp())
make_synthetic_videos(workdir / "my_clips", n_classes=4, n_groups=4, n_videos_per_group=4,
                      n_frames=8, frame_size=32, random_state=0)
print(*sorted(str(p.relative_to(workdir)) for p in (workdir / "my_clips").rglob("*.mp4"))[:3],
      "...", sep="\n")

data = load_video_files(workdir / "my_clips", groups=r"g(\d+)")
labels = data.target_names[data.target]
print(f"{len(data.filenames)} clips, classes {', '.join(data.target_names)}, "
      f"groups {', '.join(sorted(set(data.groups)))}")

# %%
# Pick the LSTM's units by leave-one-group-out
# --------------------------------------------
# ``skactrec fit my_clips --groups 'g(\d+)' --output model.joblib`` runs this search,
# with two learning rates and a pooling head among its candidates, and saves the best.
# The feature store (``memory``) makes each clip go through VGG16 once, whatever the
# number of folds and candidates.
pipe = make_pipeline(
    VGG16FrameFeaturizer(n_frames=8, frame_size=32, layer="block4_pool", weights=None,
                         memory=workdir / "features"),
    LSTMVideoClassifier(epochs=40, batch_size=8, learning_rate=0.003, random_state=0),
)
search = GridSearchCV(pipe, {"lstmvideoclassifier__n_units": [4, 16]}, cv=LeaveOneGroupOut())
search.fit(data.filenames, labels, groups=data.groups)
for units, mean, std in zip(search.cv_results_["param_lstmvideoclassifier__n_units"],
                            search.cv_results_["mean_test_score"],
                            search.cv_results_["std_test_score"], strict=True):
    print(f"{units:>3} units: accuracy {mean:.2f} +- {std:.2f}")
model = search.best_estimator_

# %%
# A long video, window by window
# ------------------------------
# A new actor's four actions one after the other, 16 frames each, written as one video.
# :func:`~skactrec.predict_timeline` decodes it once and classifies every window of the
# model's 8 consecutive frames, here one every 2 frames (``skactrec timeline VIDEO
# --model model.joblib --stride 2 --plot timeline.png`` prints and draws the same).
new_actor = make_synthetic_videos(workdir / "new_actor", n_classes=4, n_groups=1,
                                  n_videos_per_group=1, n_frames=16, frame_size=32,
                                  random_state=1)
frames = np.concatenate([read_video(path, n_frames=None, frame_size=None)
                         for path in new_actor.filenames])
long_video = str(workdir / "four_actions.mp4")
writer = imageio_ffmpeg.write_frames(long_video, (32, 32), fps=10, macro_block_size=1,
                                     ffmpeg_log_level="error")
writer.send(None)
for frame in frames:
    writer.send(frame)
writer.close()
print("the video shows, in turn:", ", ".join(new_actor.target_names[new_actor.target]))

timeline = predict_timeline(model, long_video, stride=2)
for start, end, best, score in zip(timeline.start[::4], timeline.end[::4],
                                   timeline.labels[::4, 0], timeline.scores[::4, 0],
                                   strict=True):
    print(f"{start:4.1f}-{end:4.1f} s: {best} ({score:.0%})")

# %%
# The picture: frames over time above each window's class probabilities. A window that
# straddles two actions is uncertain; within an action, the right class dominates.
fig = plot_timeline(timeline, n_thumbnails=8)
