"""The ffmpeg child process: a stalled read ends with a clear error, no process is left behind."""

import os
import signal
import sys
import time
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from _signals import default_ctrl_c

from skactrec import VideoReadError, read_video
from skactrec.video._ffmpeg import ffmpeg_lines, ffmpeg_reason

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="fake ffmpeg scripts and /proc are Linux's"
)

FRAME_32 = 32 * 32 * 3  # bytes of one 32x32 RGB frame


def children():
    """PIDs of this process's living (not reaped) child processes."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == os.getpid():
            pids.append(int(stat.parent.name))
    return pids


@pytest.fixture
def fake_ffmpeg(tmp_path, monkeypatch):
    """Make read_video run a shell script instead of ffmpeg; returns a function setting it."""

    def install(body):
        script = tmp_path / "ffmpeg"
        script.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\n{body}\n")
        script.chmod(0o755)
        monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", lambda: str(script))
        video = tmp_path / "video.mp4"  # any non-empty file: the script ignores it
        video.write_bytes(b"\0" * 100)
        return video

    return install


def _pid(tmp_path):
    return int((tmp_path / "pid").read_text())


@pytest.mark.parametrize("frames_before_stall", [0, 1])
def test_a_stalled_read_ends_with_a_clear_error(fake_ffmpeg, tmp_path, frames_before_stall):
    video = fake_ffmpeg(f"head -c {frames_before_stall * FRAME_32} /dev/zero\nexec sleep 600")
    start = time.monotonic()
    with pytest.raises(VideoReadError, match=r"video\.mp4.*no frame for 0\.5 s.*stopped"):
        read_video(video, n_frames=4, frame_size=32, timeout=0.5)
    assert time.monotonic() - start < 5
    assert _pid(tmp_path) not in children()  # killed and reaped



def test_a_stalled_probe_ends_with_a_clear_error(fake_ffmpeg, tmp_path):
    # frame_size=None: the file's header is read (probed) first, with the same deadline.
    video = fake_ffmpeg("exec sleep 600")
    start = time.monotonic()
    with pytest.raises(VideoReadError, match=r"video\.mp4.*no frame for 0\.5 s.*stopped"):
        read_video(video, n_frames=4, frame_size=None, timeout=0.5)
    assert time.monotonic() - start < 5
    assert _pid(tmp_path) not in children()

def test_no_process_left_after_100_failed_reads(tmp_path):
    rng = np.random.RandomState(0)
    before = set(children())
    for i in range(100):
        path = tmp_path / f"junk_{i}.mp4"
        path.write_bytes(rng.bytes(2000))
        with pytest.raises(VideoReadError, match=f"junk_{i}.mp4"):
            read_video(path, n_frames=2, frame_size=32)
    assert set(children()) <= before


def test_frames_requested_then_ffmpeg_stopped(synthetic_videos):
    before = set(children())
    frames = read_video(synthetic_videos.filenames[0], n_frames=2, frame_size=32)
    assert frames.shape == (2, 32, 32, 3)
    assert set(children()) <= before


def test_bad_timeout(synthetic_videos):
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        read_video(synthetic_videos.filenames[0], timeout=0)


def test_reason_keeps_ffmpeg_message_without_the_path():
    messages = ("[mov,mp4,m4a @ 0x5581] moov atom not found\n"
                "Error opening input file file:/data/x.mp4.\n"
                "Error opening input files: Invalid data found when processing input\n")
    assert ffmpeg_reason(messages) == (
        "moov atom not found; Error opening input files: Invalid data found when processing input")
    no_stream = "Stream map '0:v:0' matches no streams.\n"
    assert ffmpeg_reason(no_stream) == "the file has no video stream"
    assert ffmpeg_reason("") == ""



def test_reason_keeps_the_error_lines_of_a_log_tagged_with_levels():
    # Probes run ffmpeg at the info level: the header and the warnings are no reason.
    messages = ("[info] Input #0, mov,mp4,m4a, from 'file:/data/x.mp4':\n"
                "[info]   Duration: 00:00:01.07, start: 0.000000\n"
                "[in#0 @ 0x5581] [warning] Format mov detected only with low score of 1\n"
                "[in#0 @ 0x5581] [error] moov atom not found\n"
                "[error] Error opening input file file:/data/x.mp4.\n"
                "[fatal] Error opening input files: Invalid data found when processing input\n")
    assert ffmpeg_reason(messages) == (
        "moov atom not found; Error opening input files: Invalid data found when processing input")
    assert ffmpeg_lines(messages, ["info"])[1] == "  Duration: 00:00:01.07, start: 0.000000"

# Ctrl-C, as a user gives it: a real SIGINT to a Python process in the middle of the work.
# The process is a child interpreter, so that the signal never reaches pytest's own process
# (whose threads and faulthandler's alternate signal stack are the suite's, not a user's).
INTERRUPTED_CHILD = """
import os, sys, threading
from pathlib import Path
import imageio_ffmpeg
imageio_ffmpeg.get_ffmpeg_exe = lambda: sys.argv[1]
from skactrec import VGG16FrameFeaturizer, read_video
video = sys.argv[2]
if sys.argv[3] == "read":
    work = lambda: read_video(video, n_frames=None, frame_size=32)
else:
    featurizer = VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block1_pool",
                                      weights=None).fit([video])
    work = lambda: featurizer.transform([video] * 5)
Path(video).with_name("pid").unlink(missing_ok=True)  # written again when ffmpeg starts
print("ready", flush=True)
try:
    work()
except KeyboardInterrupt:
    children = [p.parent.name for p in Path("/proc").glob("[0-9]*/stat")
                if p.read_text().rsplit(")", 1)[1].split()[1] == str(os.getpid())]
    threads = [t.name for t in threading.enumerate() if t.name.startswith("skactrec-")]
    print(f"interrupted; children {children}; threads {threads}", flush=True)
"""


def interrupt_child(script, video, work, tmp_path, delay):
    """Run ``work`` in a child interpreter, send it SIGINT ``delay`` s after ffmpeg started,
    and return what it printed."""
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED_CHILD, script, str(video), work],
                             stdout=subprocess.PIPE, text=True, preexec_fn=default_ctrl_c)
    try:
        assert child.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 30
        while not (tmp_path / "pid").exists():  # the fake ffmpeg writes it when it starts
            assert time.monotonic() < deadline, "ffmpeg never started"
            time.sleep(0.01)
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=60)
    finally:
        child.kill()
        child.wait()
    return out


def test_keyboard_interrupt_during_a_read_leaves_no_process(fake_ffmpeg, tmp_path):
    # An endless stream of frames, one every 20 ms: the read is in progress when Ctrl-C comes.
    video = fake_ffmpeg(f"while true; do head -c {FRAME_32} /dev/zero; sleep 0.02; done")
    out = interrupt_child(tmp_path / "ffmpeg", video, "read", tmp_path, delay=0.3)
    assert out == "interrupted; children []; threads []\n", out
    assert not Path(f"/proc/{_pid(tmp_path)}").exists()  # killed, not orphaned


def test_keyboard_interrupt_during_a_transform_leaves_no_process_nor_thread(fake_ffmpeg,
                                                                           tmp_path):
    # Each "video" streams a frame every 0.1 s: the read-ahead thread is inside a read
    # when Ctrl-C comes.
    video = fake_ffmpeg(f"while true; do head -c {FRAME_32} /dev/zero; sleep 0.1; done")
    out = interrupt_child(tmp_path / "ffmpeg", video, "transform", tmp_path, delay=0.25)
    assert out == "interrupted; children []; threads []\n", out
    assert not Path(f"/proc/{_pid(tmp_path)}").exists()
