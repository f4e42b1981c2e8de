"""Featurizing the same videos on a Dask cluster of 1 and of 2 workers (issue 7).

A ``distributed.LocalCluster`` on 127.0.0.1 with 1 worker process, then with 2, runs
``VGG16FrameFeaturizer(n_jobs=-1).fit_transform`` under joblib's Dask backend; the same
featurizer in this process (``n_jobs=1``) is the reference. The cluster always offers 2 task
slots (1 worker x 2 threads, or 2 workers x 1 thread): joblib runs a Parallel call in the
calling process when the backend offers 1 slot, so a 1-slot cluster would never be used.
Each cluster is started and warmed (every worker imports TensorFlow and builds its VGG16)
before the timed run, so the times compare the featurization itself. TensorFlow's thread
pools use every core in each worker process unless ``--tf-threads`` limits them.

    python benchmarks/bench_dask.py                        # 8 real clips, paper's settings
    python benchmarks/bench_dask.py --tf-threads 1         # one core per worker
    python benchmarks/bench_dask.py --smoke                # seconds; run by the tests
"""

import argparse
import os
import tempfile
import time

import numpy as np
from _clips import add_clip_arguments, clip_paths

from skactrec import VGG16FrameFeaturizer


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_clip_arguments(parser, n_videos=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], choices=[1, 2])
    parser.add_argument("--tf-threads", type=int, default=None,
                        help="TensorFlow intra-op threads per worker (default: all cores)")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_videos, args.n_frames, args.frame_size, args.layer = 4, 2, 32, "block4_pool"
    return args


def _time_on_cluster(n_workers, params, paths, tf_threads):
    from distributed import Client, LocalCluster
    from joblib import parallel_config

    # TensorFlow reads its thread counts from the environment when it starts.
    env = {} if tf_threads is None else {"TF_NUM_INTRAOP_THREADS": str(tf_threads),
                                         "TF_NUM_INTEROP_THREADS": str(tf_threads)}
    with LocalCluster(n_workers=n_workers, threads_per_worker=max(1, 2 // n_workers),
                      processes=True,
                      host="127.0.0.1", dashboard_address=None, env=env) as cluster, \
            Client(cluster) as client:
        featurizer = VGG16FrameFeaturizer(**params, n_jobs=-1)
        with parallel_config(backend="dask"):
            featurizer.fit_transform(paths[:2])  # warm: every worker builds its VGG16
            start = time.perf_counter()
            features = featurizer.fit_transform(paths)
            seconds = time.perf_counter() - start
        pids = client.run(os.getpid)
    return seconds, features, len(pids)


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        paths = clip_paths(args.videos, args.n_videos, args.n_frames, args.frame_size,
                           f"{workdir}/videos")
        params = dict(n_frames=args.n_frames, frame_size=args.frame_size, layer=args.layer,
                      weights=None)
        print(f"{len(paths)} videos x {args.n_frames} frames of {args.frame_size}x"
              f"{args.frame_size}, {args.layer}, on {os.cpu_count()} cores; TensorFlow "
              f"threads per worker: {args.tf_threads or 'all cores'}")
        VGG16FrameFeaturizer(**params).fit_transform(paths[:1])  # build VGG16: not timed
        start = time.perf_counter()
        reference = VGG16FrameFeaturizer(**params).fit_transform(paths)
        local = time.perf_counter() - start
        print(f"this process, n_jobs=1: {local:7.2f} s ({len(paths) / local:.2f} videos/s)")
        times = {}
        for n_workers in args.workers:
            seconds, features, n_seen = _time_on_cluster(n_workers, params, paths,
                                                         args.tf_threads)
            # equal up to float32 rounding: some CPUs round a frame's features by its place
            # in the batch, and the workers batch other videos together
            difference = np.abs(features - reference).max() / max(1.0, np.abs(reference).max())
            same = difference < 1e-5
            times[n_workers] = seconds
            print(f"Dask, {n_seen} worker(s):    {seconds:7.2f} s ({len(paths) / seconds:.2f} "
                  f"videos/s); features equal to the local run: {same} (largest difference "
                  f"{difference:.1e} of their scale)")
            if not same:
                raise SystemExit("FAILED: the cluster's features differ from the local run")
        if 1 in times and 2 in times:
            print(f"speed-up of 2 workers over 1 (target: measured, explained): "
                  f"{times[1] / times[2]:.2f}x")
    return {"local": local, **{f"{n}_workers": t for n, t in times.items()}}


if __name__ == "__main__":
    main()
