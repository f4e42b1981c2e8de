"""
Reproducing the KTH protocol on a stand-in dataset
==================================================

:func:`skactrec.reproduce` runs the paper's whole KTH experiment: the official split
(16 people for training, 9 for test), a sweep of the LSTM's units, the accuracy table,
the accuracy-against-units figure, a confusion matrix and a top-3 strip.

KTH itself is 599 videos of 25 people. This example builds a stand-in with KTH's exact
layout and file names (``KTH/<action>/personNN_<action>_dN_uncomp.avi``) from synthetic
clips, one distinct clip per file: each action is a direction of motion, each person an
"actor" with their own shape, colours and texture. The settings are the demo's small ones
(8 frames of 32x32, ``block4_pool``, random VGG16 weights), under which the features still
carry the class, so the sweep shows learning. It takes a few minutes on two CPU cores.
With the real KTH, the command line's defaults are the paper's settings (see also
``reproduce_kth.py``)::

    skactrec reproduce kth --data-home ~/skactrec_data --output results/kth

This example is not run when the documentation is built.
"""

# sphinx_gallery_thumbnail_path = '_static/kth_stand_in_accuracy_by_units.png'

# %%
# Build the stand-in: 6 actions x 25 people x 4 scenarios, less the one video KTH lacks.
import argparse
import shutil
import sys
from pathlib import Path

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, reproduce
from skactrec.datasets import make_synthetic_videos

ACTIONS = ["boxing", "handclapping", "handwaving", "jogging", "running", "walking"]


def make_kth_stand_in(home, *, n_frames=8, frame_size=32, random_state=0):
    """Write 599 synthetic clips under ``home/KTH/<action>/`` with KTH's file names."""
    clips = make_synthetic_videos(
        Path(home) / "clips", n_classes=len(ACTIONS), n_groups=25, n_videos_per_group=4,
        n_frames=n_frames, frame_size=frame_size, random_state=random_state)
    seen = {}
    for source, action, person in zip(clips.filenames, clips.target, clips.groups, strict=True):
        scenario = seen[action, person] = seen.get((action, person), 0) + 1
        name = f"person{person:02d}_{ACTIONS[action]}_d{scenario}_uncomp.avi"
        if name == "person13_handclapping_d3_uncomp.avi":  # missing from the real KTH too
            continue
        folder = Path(home) / "KTH" / ACTIONS[action]
        folder.mkdir(parents=True, exist_ok=True)
        shutil.move(source, folder / name)
    shutil.rmtree(Path(home) / "clips")
    return Path(home)


# %%
# Run the paper's protocol on it. ``units`` are small because the features are small
# (2 x 2 x 512 per frame); the paper's defaults are 40 to 480 on 7 x 7 x 512.
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--workdir", default="kth-stand-in", help="where data and results go")
    parser.add_argument("--units", type=int, nargs="+", default=[2, 8, 32, 64])
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args(argv)

    workdir = Path(args.workdir)
    if not (workdir / "KTH").is_dir():
        make_kth_stand_in(workdir)
    result = reproduce(
        "kth", data_home=workdir, output_dir=workdir / "results", units=args.units,
        featurizer=VGG16FrameFeaturizer(n_frames=8, frame_size=32, layer="block4_pool",
                                        weights=None),
        classifier=LSTMVideoClassifier(epochs=args.epochs, batch_size=16, learning_rate=0.003,
                                       random_state=0))
    print(Path(result.paths["accuracy_table.md"]).read_text())
    for path in sorted(result.paths.values()):
        print(path)
    return result


if __name__ == "__main__":
    main()
    sys.exit(0)
