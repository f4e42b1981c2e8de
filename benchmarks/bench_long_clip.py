"""Reading 40 frames of a long 1920x1080 60 fps clip: only the needed frames are decoded.

Generates a clip with ffmpeg (``testsrc2``, H.264), then reads 40 frames of 224x224 from it
with each sampling, each in a fresh process, and prints the wall time and the peak memory
of that process (ffmpeg's own memory is its decoder's, whatever the clip's length).
Targets: ``"first"`` decodes about 40 frames, so it takes well under a second whatever the
clip's length; with ``"uniform"`` ffmpeg decodes the whole clip but only the 40 chosen
frames reach Python, so memory stays that of 40 small frames.

    python benchmarks/bench_long_clip.py                     # 3 minutes of 1080p60
    python benchmarks/bench_long_clip.py --duration 600
    python benchmarks/bench_long_clip.py --smoke             # seconds; run by the tests
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from skactrec import read_video
start = time.perf_counter()
frames = read_video(sys.argv[1], n_frames=40, frame_size=224, sampling=sys.argv[2])
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds, "shape": list(frames.shape),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of video")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--fps", type=int, default=60)
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.duration, args.size, args.fps = 2, "320x180", 30
    return args


def make_clip(path, args):
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={args.size}:rate={args.fps}:duration={args.duration}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "32",
                    "-pix_fmt", "yuv420p", str(path)], check=True)


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        clip = Path(workdir) / "long.mp4"
        start = time.perf_counter()
        make_clip(clip, args)
        n_frames = int(args.duration * args.fps)
        print(f"clip: {args.size}, {args.fps} fps, {args.duration:g} s = {n_frames} frames, "
              f"{clip.stat().st_size / 2**20:.1f} MB (made in {time.perf_counter() - start:.0f} s)")
        baseline = json.loads(subprocess.run(
            [sys.executable, "-c", "import json, resource, skactrec, numpy; print(json.dumps("
             "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))"],
            capture_output=True, text=True, check=True).stdout)
        results = {}
        for sampling in ["first", "uniform"]:
            done = subprocess.run([sys.executable, "-c", CHILD, str(clip), sampling],
                                  capture_output=True, text=True, check=True)
            result = results[sampling] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  sampling={sampling!r:<10} {result['seconds']:7.2f} s   frames "
                  f"{tuple(result['shape'])}   peak memory {result['peak_mb']:6.0f} MB "
                  f"(python + numpy + skactrec alone: {baseline:.0f} MB)")
    decode_rate = n_frames / results["uniform"]["seconds"]
    print(f"'first' reads 40 of {n_frames} frames in {results['first']['seconds']:.2f} s "
          f"(target < 1 s): {'PASS' if results['first']['seconds'] < 1 else 'FAIL'}")
    print(f"'uniform' decodes the whole clip at {decode_rate:.0f} frames/s; memory above "
          f"baseline {results['uniform']['peak_mb'] - baseline:.0f} MB (target: < 100 MB, "
          f"40 frames of 224x224 are 6 MB): "
          f"{'PASS' if results['uniform']['peak_mb'] - baseline < 100 else 'FAIL'}")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
