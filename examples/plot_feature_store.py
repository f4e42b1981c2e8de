"""
======================================================
One VGG16 pass per video for many searches: the store
======================================================

VGG16 is nearly all the cost of the CNN-LSTM: with the paper's settings a video takes
about 5 seconds on two CPU cores, the LSTM a fraction of that. A
:class:`~sklearn.model_selection.GridSearchCV` transforms every video again in each of its
fits, and a second search starts over.

``VGG16FrameFeaturizer(memory=DIR)`` makes ``DIR`` a feature store: the features of each
video are written there once, as one ``.npy`` file keyed by the video's content and the
featurizer's settings, and every later transform, in this search or in any other, reads
them. This example runs a sweep over the LSTM's units, then a second search over its
learning rate, and measures what went through VGG16 each time.
"""

# %%
# Videos, a store, and a way to look into it
# ------------------------------------------
# The store is a plain folder: counting its ``.npy`` files counts the videos whose
# features it holds, and their modification times tell whether they were written again.
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec.datasets import make_synthetic_videos

workdir = Path(tempfile.mkdtemp())
data = make_synthetic_videos(workdir / "videos", n_classes=4, n_groups=3,
                             n_videos_per_group=2, n_frames=8, frame_size=64, random_state=0)
n_videos = len(data.filenames)
y = data.target_names[data.target]
store = workdir / "features"


def stored_files():
    """Each stored entry and its modification time."""
    return {path: path.stat().st_mtime_ns for path in store.rglob("*.npy")}


print(f"{n_videos} videos; the store holds {len(stored_files())} entries")

# %%
# The pipeline
# ------------
# The small settings of the other examples, on 64x64 frames this time so that VGG16's
# share of the time shows (the paper's settings make it larger still). Ten epochs
# keep the many LSTM fits short: this example is about time, not accuracy.
featurizer = VGG16FrameFeaturizer(n_frames=8, frame_size=64, layer="block4_pool",
                                  weights=None, memory=store)
pipe = make_pipeline(
    featurizer,
    LSTMVideoClassifier(epochs=10, batch_size=8, learning_rate=0.003, random_state=0),
)
cv = LeaveOneGroupOut()

# %%
# First search: the number of LSTM units
# --------------------------------------
# 3 folds x 2 unit counts = 6 fits. Each fit transforms the training videos of its fold
# and its scoring the test videos: every video, 6 times. Only the first transform of
# each video runs VGG16.
start = time.perf_counter()
units_search = GridSearchCV(pipe, {"lstmvideoclassifier__n_units": [4, 16]}, cv=cv,
                            refit=False)
units_search.fit(data.filenames, y, groups=data.groups)
units_seconds = time.perf_counter() - start
units_fits = len(units_search.cv_results_["params"]) * cv.get_n_splits(groups=data.groups)
after_units = stored_files()
best_units = units_search.best_params_["lstmvideoclassifier__n_units"]
print(f"unit sweep: {units_seconds:.1f} s; best {best_units} units; "
      f"the store now holds {len(after_units)} entries (one per video)")

# %%
# Second search: the learning rate
# --------------------------------
# The featurizer's settings are the same, so its store entries are the same: this
# search should read all its features and write none.
start = time.perf_counter()
rate_search = GridSearchCV(
    pipe.set_params(lstmvideoclassifier__n_units=best_units),
    {"lstmvideoclassifier__learning_rate": [0.001, 0.01]}, cv=cv, refit=False)
rate_search.fit(data.filenames, y, groups=data.groups)
rate_seconds = time.perf_counter() - start
rate_fits = len(rate_search.cv_results_["params"]) * cv.get_n_splits(groups=data.groups)
after_rates = stored_files()
print(f"learning-rate search: {rate_seconds:.1f} s for {rate_fits} fits; best "
      f"{rate_search.best_params_['lstmvideoclassifier__learning_rate']}")
print(f"entries written by the second search: {len(after_rates.keys() - after_units)}; "
      f"entries rewritten: {sum(after_rates[p] != t for p, t in after_units.items())}")

# %%
# What VGG16 would have cost without the store
# --------------------------------------------
# The same featurizer without ``memory`` sends every video through VGG16, in every
# transform: a search without a store pays this once per fit.
start = time.perf_counter()
VGG16FrameFeaturizer(n_frames=8, frame_size=64, layer="block4_pool",
                     weights=None).fit_transform(data.filenames)
vgg16_seconds = time.perf_counter() - start
start = time.perf_counter()
featurizer.fit_transform(data.filenames)
read_seconds = time.perf_counter() - start
print(f"all {n_videos} videos through VGG16: {vgg16_seconds:.2f} s; "
      f"read from the store: {read_seconds:.2f} s ({vgg16_seconds / read_seconds:.0f}x faster)")
print(f"the unit sweep transformed {units_fits * n_videos} videos and sent "
      f"{len(after_units)} through VGG16; the learning-rate search transformed "
      f"{rate_fits * n_videos} and sent {len(after_rates) - len(after_units)}")

# %%
# The numbers side by side
# ------------------------
# The second search ran as many fits as the first without a single VGG16 pass: its
# time is the LSTMs' alone. The first one's extra time is one VGG16 pass per video and
# the one-off costs of a process's first search (building VGG16, compiling the LSTM).
# With the paper's settings VGG16 takes about 5.5 s per video on two CPU cores: about
# an hour for KTH's 599 videos and ten for HMDB-51's 6766, which the store pays once.
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
rows = [  # top to bottom
    (f"unit sweep, {units_fits} fits\n({len(after_units)} VGG16 passes)", units_seconds,
     "tab:blue"),
    (f"learning-rate search, {rate_fits} fits\n"
     f"({len(after_rates) - len(after_units)} VGG16 passes)", rate_seconds, "tab:green"),
    (f"one transform, no store\n({n_videos} VGG16 passes)", vgg16_seconds, "tab:gray"),
    ("one transform, from the store\n(0 VGG16 passes)", read_seconds, "tab:gray"),
]
labels, seconds, colors = zip(*rows[::-1], strict=True)
bars = ax.barh(labels, seconds, color=colors)
ax.bar_label(bars, fmt="%.2f s", padding=3)
ax.set_xlabel("wall-clock time (s)")
ax.set_xlim(0, 1.2 * max(seconds))
fig.suptitle(f"{n_videos} videos: wall-clock times measured in this run")
for side in ("top", "right"):
    ax.spines[side].set_visible(False)
plt.show()
