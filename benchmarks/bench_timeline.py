"""predict_timeline's memory does not grow with the video's length (issue 15, item 3).

Writes a 1-minute and a 10-minute video (ffmpeg's ``testsrc2`` pattern, 320x240 at 25
frames/s, H.264), fits a Pipeline at the paper's geometry (40 frames of 224x224,
``block5_pool``: 25088 features per frame, 360 LSTM units) on a few synthetic videos, then
runs ``predict_timeline`` on each video in a fresh process and reports that process's peak
RSS (``VmHWM``) and time. ``--stride`` leaves frames between windows out of VGG16 (every
frame is still decoded) so that the 10-minute run takes minutes, not the 36 that VGG16 on
all its 15000 frames would take on 2 cores; what is held at any time (the last window's
frames and features, a batch of windows) does not depend on the stride.

Target: peak RSS on the 10-minute video within 10% of the 1-minute one's.

    python benchmarks/bench_timeline.py                  # about 6 minutes on 2 cores
    python benchmarks/bench_timeline.py --smoke          # seconds; run by the tests
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_test_video(path, seconds, size=(320, 240), fps=25):
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"testsrc2=size={size[0]}x{size[1]}:rate={fps}", "-t", str(seconds),
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
                   check=True)
    return path


def fit_model(folder, n_frames, frame_size, layer, n_units):
    import joblib
    from sklearn.pipeline import make_pipeline

    from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
    from skactrec.datasets import make_synthetic_videos

    data = make_synthetic_videos(folder / "train", n_classes=3, n_groups=1,
                                 n_videos_per_group=2, n_frames=n_frames, frame_size=frame_size,
                                 random_state=0)
    model = make_pipeline(
        VGG16FrameFeaturizer(n_frames=n_frames, frame_size=frame_size, layer=layer,
                             weights=None),
        LSTMVideoClassifier(n_units=n_units, epochs=1, random_state=0),
    ).fit(data.filenames, data.target_names[data.target])
    path = folder / "model.joblib"
    joblib.dump(model, path)
    return path


def _peak_rss_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(model_path, video, stride):
    """In a fresh process: the timeline of ``video``; prints its figures as JSON."""
    import joblib

    from skactrec import predict_timeline

    model = joblib.load(model_path)
    start = time.perf_counter()
    timeline = predict_timeline(model, video, stride=stride, k=1)
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_rss_mib": _peak_rss_mib(),
                      "n_frames": timeline.n_frames, "n_windows": len(timeline.start)}))


def measure(model_path, video, stride):
    result = subprocess.run([sys.executable, __file__, "--child", str(model_path), str(video),
                             str(stride)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs=2, default=[1, 10],
                        help="the short and the long video's lengths (default: 1 10)")
    parser.add_argument("--stride", type=int, default=400,
                        help="frames from one window to the next (default: 400)")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1], int(args.child[2]))
    geometry = dict(n_frames=40, frame_size=224, layer="block5_pool", n_units=360)
    if args.smoke:
        args.minutes, args.stride = [0.1, 0.3], 8
        geometry = dict(n_frames=4, frame_size=32, layer="block3_pool", n_units=4)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model_path = fit_model(folder, **geometry)
        print(f"model: {geometry['n_frames']} frames of {geometry['frame_size']}x"
              f"{geometry['frame_size']}, {geometry['layer']}, {geometry['n_units']} LSTM units;"
              f" stride {args.stride} frames")
        results = []
        for minutes in args.minutes:
            video = write_test_video(folder / f"{minutes:g}min.mp4", minutes * 60)
            result = measure(model_path, video, args.stride)
            results.append(result)
            print(f"  {minutes:4g} min video: {result['n_frames']:6d} frames, "
                  f"{result['n_windows']:4d} windows, {result['seconds']:7.1f} s, "
                  f"peak RSS {result['peak_rss_mib']:7.0f} MiB")
    ratio = results[1]["peak_rss_mib"] / results[0]["peak_rss_mib"]
    print(f"target: peak RSS of the {args.minutes[1]:g}-minute video / the "
          f"{args.minutes[0]:g}-minute one's <= 1.10: {ratio:.3f}, "
          f"{'PASS' if ratio <= 1.10 else 'FAIL'}")


if __name__ == "__main__":
    main()
