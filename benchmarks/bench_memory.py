"""Peak memory of featurizing N videos, in RAM or memory-mapped, float32 or float16 (target 6).

Each measurement runs in a fresh process that featurizes N synthetic videos and reports its
peak resident memory (``VmHWM``) and the peak of its anonymous memory (``RssAnon``, sampled:
memory the process cannot give back, unlike the pages of a mapped file). The slope of peak
memory against N, compared with the output's size per video, says what grows with N:

* ``array``: ``transform`` returns an ndarray, so the peak grows by one output per video;
  nothing else may grow (target: slope <= 1.1 x output per video).
* ``memmap``: ``memmap=True`` returns a memory-mapped array; the anonymous peak stays flat
  (target: slope <= 0.1 x output per video), so a dataset's features need not fit in RAM.
  A fit of ``LSTMVideoClassifier`` on it is measured as well (``--fit``).

Then the precision question: the same leave-one-group-out LSTM accuracy on a synthetic
task from float32 features, from float16 features, and from features computed in bfloat16.

The frames are small but the layer is shallow (``block1_pool`` of 64x64 frames: 65536
features per frame, 10 MB per video of 40 frames), so the outputs are big and VGG16 cheap.

    python benchmarks/bench_memory.py                        # N = 20, 40, 80
    python benchmarks/bench_memory.py --sizes 50 100 200 --fit
    python benchmarks/bench_memory.py --smoke                # seconds; run by the tests
"""

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HMDB51 = (6766, 40, 25088)  # videos, frames, features: the paper's features of HMDB-51


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 80])
    parser.add_argument("--n-frames", type=int, default=40)
    parser.add_argument("--frame-size", type=int, default=64)
    parser.add_argument("--layer", default="block1_pool")
    parser.add_argument("--fit", action="store_true", help="also fit an LSTM on the features")
    parser.add_argument("--accuracy-only", action="store_true",
                        help="only the precision question (features and LSTM compute dtypes)")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one measurement, as JSON
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.n_frames, args.frame_size, args.fit = [2, 4], 2, 32, True
    return args


class PeakSampler:
    """Peaks of this process's anonymous and file-backed resident memory, sampled at 100 Hz."""

    def __init__(self):
        self.peak = {"RssAnon": 0, "RssFile": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def status():
        """``/proc/self/status`` memory fields in bytes."""
        fields = {}
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                fields[key] = int(value.split()[0]) * 1024
        return fields

    def _run(self):
        while not self._stop.wait(0.01):
            self.sample()

    def sample(self):
        fields = self.status()
        for key in self.peak:
            self.peak[key] = max(self.peak[key], fields.get(key, 0))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()


def run_one(args, config):
    """One measurement in this process: featurize, maybe fit; the peaks as a dict."""
    from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer

    featurizer = VGG16FrameFeaturizer(
        n_frames=args.n_frames, frame_size=args.frame_size, layer=args.layer, weights=None,
        dtype=config["dtype"], memmap=config["output"] == "memmap", batch_size=40,
    )
    videos = [np.load(config["videos"], mmap_mode="r")[i] for i in range(config["n"])]
    featurizer.fit_transform(videos[:1])  # build VGG16 before measuring
    baseline = PeakSampler.status()
    with PeakSampler() as sampler:
        features = featurizer.transform(videos)
    result = {
        "featurize_anon": sampler.peak["RssAnon"] - baseline["RssAnon"],
        "featurize_file": sampler.peak["RssFile"] - baseline["RssFile"],
        "output_bytes": features.nbytes,
    }
    if config["fit"]:
        y = np.arange(config["n"]) % 2
        classifier = LSTMVideoClassifier(n_units=8, epochs=1, batch_size=8, random_state=0)
        classifier.fit(features[:2], y[:2])  # build Keras before measuring
        baseline = PeakSampler.status()
        with PeakSampler() as sampler:
            classifier.fit(features, y)
        result["fit_anon"] = sampler.peak["RssAnon"] - baseline["RssAnon"]
    return result


def measure(args, videos_file, n, output, dtype):
    """One measurement in a fresh process (memory freed earlier would hide growth), or in
    this one for ``--smoke``."""
    config = {"videos": videos_file, "n": n, "output": output, "dtype": dtype, "fit": args.fit}
    if args.smoke:
        return run_one(args, config)
    command = [sys.executable, __file__, "--child", json.dumps(config),
               "--n-frames", str(args.n_frames),
               "--frame-size", str(args.frame_size), "--layer", args.layer]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"measurement failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def slope(sizes, values):
    return float(np.polyfit(sizes, values, 1)[0])


def reduced_precision_accuracy(smoke):
    """LOGO accuracy of the same LSTM on a synthetic task from float32 features, the same
    rounded to float16 (``dtype="float16"``), and features computed in bfloat16
    (``compute_dtype="bfloat16"``); then of the LSTM itself computing in bfloat16 and
    float16 (``LSTMVideoClassifier(compute_dtype=...)``) on the float32 features."""
    from sklearn.model_selection import LeaveOneGroupOut, cross_val_score

    from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
    from skactrec.datasets import make_synthetic_videos

    size = dict(n_classes=2, n_groups=2, n_videos_per_group=1, n_frames=2) if smoke else dict(
        n_classes=4, n_groups=5, n_videos_per_group=4, n_frames=8)
    params = dict(n_frames=size["n_frames"], frame_size=32, layer="block4_pool", weights=None)
    with tempfile.TemporaryDirectory() as workdir:
        data = make_synthetic_videos(workdir, frame_size=32, random_state=0, **size)
        features = {
            "float32": VGG16FrameFeaturizer(**params).fit_transform(data.filenames),
            "float16": VGG16FrameFeaturizer(**params, dtype="float16").fit_transform(
                data.filenames),
            "bfloat16 compute": VGG16FrameFeaturizer(
                **params, compute_dtype="bfloat16").fit_transform(data.filenames),
        }
    full = features["float32"]
    classifier = LSTMVideoClassifier(n_units=16, epochs=2 if smoke else 40, batch_size=8,
                                     learning_rate=0.003, random_state=0)
    accuracy = {}
    for name, X in features.items():
        error = np.linalg.norm(X.astype(np.float32) - full) / np.linalg.norm(full)
        scores = cross_val_score(classifier, X, data.target, groups=data.groups,
                                 cv=LeaveOneGroupOut())
        accuracy[name] = scores.mean()
        print(f"  {name:<17} features: relative difference from float32 {error:.1e}, "
              f"LOGO accuracy {scores.mean():.3f} (folds {np.round(scores, 3).tolist()})")
    for compute_dtype in ["bfloat16", "float16"]:
        name = f"LSTM {compute_dtype}"
        scores = cross_val_score(classifier.set_params(compute_dtype=compute_dtype), full,
                                 data.target, groups=data.groups, cv=LeaveOneGroupOut())
        accuracy[name] = scores.mean()
        print(f"  {name:<17} on float32 features: LOGO accuracy {scores.mean():.3f} "
              f"(folds {np.round(scores, 3).tolist()})")
    for name in ["float16", "bfloat16 compute", "LSTM bfloat16", "LSTM float16"]:
        difference = accuracy[name] - accuracy["float32"]
        print(f"{name} - float32 accuracy: {difference:+.3f} (target: within 0.02): "
              f"{'PASS' if abs(difference) <= 0.02 else 'FAIL'}")
    return accuracy


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        print(json.dumps(run_one(args, json.loads(args.child))))
        return None
    from skactrec.datasets import make_synthetic_videos

    if args.accuracy_only:
        return reduced_precision_accuracy(args.smoke)
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        # Decoded once, shared by the measurements as a memory-mapped file.
        data = make_synthetic_videos(workdir, n_classes=2, n_groups=1, n_videos_per_group=1,
                                     n_frames=args.n_frames, frame_size=args.frame_size,
                                     random_state=0)
        from skactrec import read_video

        frames = read_video(data.filenames[0], n_frames=args.n_frames, frame_size=args.frame_size)
        videos_file = f"{workdir}/videos.npy"
        np.save(videos_file, np.broadcast_to(frames, (max(args.sizes), *frames.shape)))

        print(f"N videos x {args.n_frames} frames of {args.frame_size}x{args.frame_size} to "
              f"{args.layer}; peak memory above the process's baseline, in MB")
        print(f"{'output':>7} {'dtype':>8} {'N':>5} {'output':>8} {'anon peak':>10} "
              f"{'file peak':>10}" + (f" {'fit anon':>9}" if args.fit else ""))
        configs = [(o, d) for o in ["array", "memmap"] for d in ["float32", "float16"]]
        for output, dtype in configs[::3] if args.smoke else configs:  # smoke: 2
            rows = []
            for n in args.sizes:
                start = time.perf_counter()
                row = measure(args, videos_file, n, output, dtype)
                rows.append(row)
                print(f"{output:>7} {dtype:>8} {n:5d} {row['output_bytes'] / 2**20:8.1f} "
                      f"{row['featurize_anon'] / 2**20:10.1f} "
                      f"{row['featurize_file'] / 2**20:10.1f}"
                      + (f" {row['fit_anon'] / 2**20:9.1f}" if args.fit else "")
                      + f"   ({time.perf_counter() - start:.0f} s)", flush=True)
            results[output, dtype] = rows

    per_video = results["array", "float32"][0]["output_bytes"] / args.sizes[0]
    print(f"output per video (float32): {per_video / 2**20:.2f} MB")
    verdicts = []
    for (output, dtype), rows in results.items():
        anon = slope(args.sizes, [r["featurize_anon"] for r in rows])
        video_bytes = rows[0]["output_bytes"] / args.sizes[0]
        ratio = anon / video_bytes
        limit = 1.1 if output == "array" else 0.1
        verdicts.append(ratio <= limit)
        hmdb = np.prod(HMDB51) * np.dtype(dtype).itemsize
        anon_at_hmdb = rows[-1]["featurize_anon"] + anon * (hmdb / video_bytes - args.sizes[-1])
        print(f"{output:>7} {dtype}: anon peak grows {ratio:.3f} x output per video "
              f"(target <= {limit}): {'PASS' if ratio <= limit else 'FAIL'}; at HMDB-51's "
              f"size ({hmdb / 2**30:.1f} GB of output): ~{anon_at_hmdb / 2**30:.2f} GB anonymous")
        if args.fit:
            fit = slope(args.sizes, [r["fit_anon"] for r in rows]) / video_bytes
            print(f"{'':>7} fit of LSTMVideoClassifier: anon peak grows {fit:.3f} x output "
                  "per video")
    accuracy = reduced_precision_accuracy(args.smoke)
    return {"memory": results, "accuracy": accuracy, "passed": all(verdicts)}


if __name__ == "__main__":
    main(sys.argv[1:])
