"""A transform served from the feature store against the cold one (issue 4, target 4).

Side by side in one run, on the same videos: ``transform`` into an empty store (every
video decoded and sent through VGG16, then written), then ``transform`` again from the
store (each video's file hashed, its ``.npy`` read). Target: the stored one >= 50 x faster.
The paper's settings by default (40 frames, 224x224, ``block5_pool``: 4 MB per video).

    python benchmarks/bench_store.py                      # 4 real clips, paper's settings
    python benchmarks/bench_store.py --n-videos 8 --dtype float16
    python benchmarks/bench_store.py --smoke              # seconds; run by the tests
"""

import argparse
import statistics
import sys
import tempfile
import time

from _clips import add_clip_arguments, clip_paths

from skactrec import VGG16FrameFeaturizer


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_clip_arguments(parser, n_videos=4)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float16"])
    parser.add_argument("--repeats", type=int, default=5, help="timings of the stored transform")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_videos, args.n_frames, args.frame_size, args.layer = 2, 2, 32, "block4_pool"
    return args


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        paths = clip_paths(args.videos, args.n_videos, args.n_frames, args.frame_size,
                           f"{workdir}/videos")
        params = dict(n_frames=args.n_frames, frame_size=args.frame_size, layer=args.layer,
                      weights=None, dtype=args.dtype)
        VGG16FrameFeaturizer(**params).fit_transform(paths[:1])  # build VGG16: not timed
        featurizer = VGG16FrameFeaturizer(**params, memory=f"{workdir}/store").fit(paths)

        start = time.perf_counter()
        cold = featurizer.transform(paths)
        cold_seconds = time.perf_counter() - start
        stored_seconds = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            featurizer.transform(paths)
            stored_seconds.append(time.perf_counter() - start)
        stored = statistics.median(stored_seconds)

    print(f"{len(paths)} videos x {args.n_frames} frames of {args.frame_size}x{args.frame_size} "
          f"to {args.layer}, {cold[0].nbytes / 2**20:.1f} MB of {args.dtype} per video")
    print(f"  cold transform (decode + VGG16 + write) {cold_seconds:9.3f} s "
          f"({cold_seconds / len(paths) * 1000:8.1f} ms per video)")
    print(f"  from the store (hash + read), median   {stored:9.3f} s "
          f"({stored / len(paths) * 1000:8.1f} ms per video)")
    ratio = cold_seconds / stored
    print(f"store speed-up: {ratio:.0f} x (target >= 50): {'PASS' if ratio >= 50 else 'FAIL'}")
    return {"cold": cold_seconds, "stored": stored}


if __name__ == "__main__":
    main(sys.argv[1:])
