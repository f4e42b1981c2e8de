"""A dress rehearsal of the paper's KTH experiment at the paper's size (issue 12).

``reproduce("kth")`` on the 599-clip KTH stand-in of ``examples/reproduce_kth_stand_in.py``
(KTH's layout and file names, synthetic clips), with the paper's settings except the
weights: 40 frames of 224x224, ``block5_pool`` flattened (25088 features per frame), 50
epochs, batches of 25, RMSProp, and a unit grid that includes 360. VGG16's weights are
random (ImageNet's cannot be downloaded here), so the accuracies say nothing about the
paper's; the timings and the memory are the point.

It prints the wall time of the featurization (every clip through VGG16 once, into the
store) and of the sweep's fits, the peak RSS of each phase, and the accuracy table.

    python benchmarks/dress_rehearsal.py --workdir /tmp/rehearsal            # about 1.5 h here
    python benchmarks/dress_rehearsal.py --workdir /tmp/rehearsal --compute-dtype bfloat16
    python benchmarks/dress_rehearsal.py --smoke       # seconds-long settings: it runs
"""

import argparse
import importlib.util
import logging
import sys
import tempfile
import time
from pathlib import Path

from bench_memory import PeakSampler

ROOT = Path(__file__).resolve().parents[1]
GIB = 2**30


def load_stand_in_builder():
    """``make_kth_stand_in`` of the gallery's example (not an importable module)."""
    path = ROOT / "examples" / "reproduce_kth_stand_in.py"
    spec = importlib.util.spec_from_file_location("reproduce_kth_stand_in", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_kth_stand_in


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=None,
                        help="where the clips, the feature store and the results go "
                        "(default: kth-rehearsal, or a temporary folder with --smoke)")
    parser.add_argument("--units", type=int, nargs="+", default=[40, 160, 360])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--n-frames", type=int, default=40)
    parser.add_argument("--frame-size", type=int, default=224)
    parser.add_argument("--compute-dtype", default="float32",
                        choices=["float32", "bfloat16", "float16"],
                        help="of VGG16 and the LSTMs (both estimators' compute_dtype)")
    parser.add_argument("--smoke", action="store_true", help="tiny settings, to check it runs")
    args = parser.parse_args(argv)
    layer = "block5_pool"
    if args.smoke:
        args.units, args.epochs, args.n_frames, args.frame_size = [2], 1, 2, 32
        layer = "block1_pool"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)

    from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, reproduce
    from skactrec.datasets import load_kth

    if args.workdir is None:
        args.workdir = tempfile.mkdtemp(prefix="kth-rehearsal-") if args.smoke else "kth-rehearsal"
    workdir = Path(args.workdir)
    start = time.perf_counter()
    if not (workdir / "KTH").is_dir():
        load_stand_in_builder()(workdir, n_frames=args.n_frames, frame_size=args.frame_size)
    print(f"stand-in clips: {time.perf_counter() - start:.0f} s")

    settings = dict(n_frames=args.n_frames, frame_size=args.frame_size, layer=layer,
                    weights=None)
    store = workdir / "results" / "features"
    kth = load_kth(workdir, subset="all")
    featurizer = VGG16FrameFeaturizer(**settings, memory=store,
                                      compute_dtype=args.compute_dtype)
    with PeakSampler() as featurizing:
        start = time.perf_counter()
        featurizer.fit(kth.filenames[:1])
        for chunk in range(0, len(kth.filenames), 32):  # into the store, not kept
            featurizer.transform(kth.filenames[chunk : chunk + 32])
        featurize_seconds = time.perf_counter() - start
    peak_featurize = PeakSampler.status()["VmHWM"]
    n_frames_total = len(kth.filenames) * args.n_frames
    print(f"featurization ({args.compute_dtype}): {len(kth.filenames)} videos, "
          f"{featurize_seconds / 60:.1f} min, {n_frames_total / featurize_seconds:.1f} frames/s; "
          f"peak RSS {peak_featurize / GIB:.2f} GiB")

    with PeakSampler() as fitting:
        start = time.perf_counter()
        result = reproduce("kth", data_home=workdir, output_dir=workdir / "results",
                           units=args.units, featurizer=featurizer,
                           classifier=LSTMVideoClassifier(
                               epochs=args.epochs, batch_size=25,
                               compute_dtype=args.compute_dtype, random_state=0))
        fit_seconds = time.perf_counter() - start
    n_fits = len(args.units) * len(result.splits)
    print(f"sweep: {n_fits} fits of {args.epochs} epochs (units {args.units}), "
          f"{fit_seconds / 60:.1f} min; peak RSS of the whole run "
          f"{PeakSampler.status()['VmHWM'] / GIB:.2f} GiB (anonymous peak while fitting "
          f"{fitting.peak['RssAnon'] / GIB:.2f} GiB)")
    print(f"featurizing's anonymous peak {featurizing.peak['RssAnon'] / GIB:.2f} GiB")
    print(result.table)
    print("target: end to end on this machine, featurization and fits timed (issue 12)")
    return result


if __name__ == "__main__":
    main()
