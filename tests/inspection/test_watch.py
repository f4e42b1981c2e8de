"""watch: a real clip served live by ffmpeg on the loopback, classified window by window as
it arrives; a server that dies or stalls, a URL nothing serves, a model slower than the
stream. Each test is bounded in time by its clip's length and its timeouts."""

import os
import signal
import socket
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest
from _signals import default_ctrl_c
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, VideoReadError, watch
from skactrec.video._live import live_input

pytestmark = [pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
              pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="the loopback server is found listening in /proc")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """Whether a socket listens on ``port`` (read from /proc: connecting would take the
    server's one client)."""
    with open("/proc/net/tcp") as table:
        return any(fields[1].endswith(f":{port:04X}") and fields[3] == "0A"
                   for fields in (line.split() for line in list(table)[1:]))


class LiveServer:
    """ffmpeg serving ``clip`` in real time as MPEG-TS over HTTP, to one client."""

    def __init__(self, clip, seconds=None):
        import imageio_ffmpeg

        self.url = f"http://127.0.0.1:{free_port()}/live.ts"
        limit = [] if seconds is None else ["-stream_loop", "-1", "-t", str(seconds)]
        self.process = subprocess.Popen(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-re",
             *limit, "-i", str(clip), "-an", "-f", "mpegts", "-listen", "1", self.url],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = int(self.url.split(":")[2].split("/")[0])
        deadline = time.monotonic() + 10
        while not listening(port):
            assert time.monotonic() < deadline, "the loopback server did not start"
            time.sleep(0.02)

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
        self.process.wait()


@pytest.fixture
def serve():
    servers = []

    def start(clip, seconds=None):
        servers.append(LiveServer(clip, seconds))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def clips(shared_videos):
    by_name = {clip.name: clip for clip in shared_videos}
    return by_name["part_0.mp4"], by_name["vtest_480x360_reencoded.avi"]


@pytest.fixture(scope="module")
def model(shared_videos):
    clips = [str(clip) for clip in shared_videos[:4]]
    featurizer = VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block1_pool",
                                      pooling="avg", weights=None)
    return make_pipeline(featurizer, LSTMVideoClassifier(n_units=2, epochs=1, random_state=0)
                         ).fit(clips, ["a", "b", "c", "a"])


def test_windows_cover_a_live_stream_in_order(model, clips, serve):
    server = serve(clips[0])  # part_0.mp4: 1.1 s at 30 frames/s
    windows = list(watch(model, server.url, k=2, timeout=10))
    starts = [w["start"] for w in windows]
    ends = [w["end"] for w in windows]
    fps = 30.0
    assert starts == [round(4 * i / fps, 4) for i in range(len(windows) - 1)] + starts[-1:]
    assert ends[:-2] == starts[1:-1] and ends == sorted(ends)  # side by side, then the tail
    assert round(ends[-1] * fps) in (32, 33)  # the stream's last frame
    assert all(w["dropped"] == 0 for w in windows)
    assert all(len(w["labels"]) == 2 and set(w["labels"]) <= {"a", "b", "c"}
               and 0 <= w["latency"] < 2 for w in windows)


def test_a_server_killed_mid_stream_ends_the_stream(model, clips, serve):
    server = serve(clips[1])
    windows = watch(model, server.url)
    first = next(windows)
    server.process.kill()  # a clean end of the connection, for the client
    rest = list(windows)
    assert first["start"] == 0.0 and rest and all(w["start"] > 0 for w in rest)


def test_a_stalled_server_is_retried_then_a_clear_error(model, clips, serve):
    server = serve(clips[1])
    windows = watch(model, server.url, timeout=3, retries=2, backoff=0.1)
    next(windows)
    os.kill(server.process.pid, signal.SIGSTOP)  # sends nothing more, closes nothing
    started = time.monotonic()
    with pytest.raises(VideoReadError, match=r"the stream failed after \d+ frames \(nothing "
                       r"came for 3 s\) and did not come back after 2 retries \(.+\)$"):
        list(windows)
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("scheme", ["http", "udp"])
def test_a_url_nothing_serves_is_a_clear_error_within_the_timeout(model, scheme):
    url = f"{scheme}://127.0.0.1:{free_port()}" + ("/live.ts" if scheme == "http" else "")
    started = time.monotonic()
    with pytest.raises(VideoReadError, match=rf"cannot read video '{url}': no frame came: "
                       r"(nothing came for 1.5 s|.*Connection refused)"):
        next(watch(model, url, timeout=1.5))
    assert time.monotonic() - started < 6


class SlowHead(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose every answer takes ``seconds``."""

    def __init__(self, classifier=None, seconds=0.3):
        self.classifier, self.seconds = classifier, seconds

    def fit(self, X, y):
        self.classes_ = self.classifier.classes_
        return self

    def predict_proba(self, X):
        time.sleep(self.seconds)
        return self.classifier.predict_proba(X)


def test_a_slow_model_drops_frames_and_its_memory_stays_flat(model, clips, serve):
    """Windows every 0.13 s, answers every 0.3 s: frames are dropped, the latency does
    not grow, and the frames held do not pile up."""
    featurizer = VGG16FrameFeaturizer(n_frames=4, frame_size=160, layer="block1_pool",
                                      pooling="avg", weights=None).fit([str(clips[0])])
    slow = make_pipeline(featurizer, SlowHead(model[-1]).fit(None, None))
    server = serve(clips[0], seconds=4)  # part_0 looped: 120 frames, 77 kB each at 160x160
    tracemalloc.start()
    try:
        memory, windows = [], []
        for window in watch(slow, server.url, timeout=10):
            windows.append(window)
            memory.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    dropped = [w["dropped"] for w in windows]
    # About 13 answers in 4 s where the stream made 30 windows: most frames are dropped.
    assert dropped == sorted(dropped) and dropped[-1] >= 40, dropped
    # Queued, the last windows would wait 8 s; dropped, about a second and an answer.
    assert max(w["latency"] for w in windows if w["latency"] is not None) < 3.0, windows
    assert [w["start"] for w in windows] == sorted(w["start"] for w in windows)
    # Queued, the frames the model could not read would pile up to the end (77 kB each,
    # 40 or more of them); dropped, what is held at the end is no more than at the start
    # (the stream's first second comes as a burst, read in order, so the start may be high).
    assert memory[-1] - min(memory[:3]) < 1.5e6, np.diff(memory)


def test_a_file_is_watched_only_in_real_time(model, clips):
    with pytest.raises(ValueError, match="is a file: watch it with realtime=True"):
        watch(model, str(clips[0]))
    windows = list(watch(model, str(clips[0]), realtime=True))
    assert [w["start"] for w in windows][:2] == [0.0, round(4 / 30, 4)]


def test_sources_become_ffmpeg_inputs(tmp_path):
    assert live_input("rtsp://cam.local/stream") == (
        ["-analyzeduration", "1000000", "-i", "rtsp://cam.local/stream"], True)
    assert live_input("/dev/video0") == (["-f", "v4l2", "-i", "/dev/video0"], False)
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"x")
    assert live_input(clip, realtime=True) == (["-re", "-i", f"file:{clip}"], False)
    with pytest.raises(ValueError, match="its protocol is not one of"):
        live_input("ftp://host/video.mp4")
    with pytest.raises(VideoReadError, match="no such file, device or URL"):
        live_input(tmp_path / "missing.mp4")


def test_the_command_writes_a_line_per_window_and_ctrl_c_stops_it(model, clips, serve,
                                                                   tmp_path):
    import joblib

    joblib.dump(model, tmp_path / "model.joblib")
    server = serve(clips[1])
    events = tmp_path / "events.jsonl"
    command = subprocess.Popen(
        [sys.executable, "-m", "skactrec", "watch", server.url, "--model",
         str(tmp_path / "model.joblib"), "--output", str(events), "--k", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_ctrl_c)
    deadline = time.monotonic() + 60
    while not (events.exists() and events.read_text().count("\n") >= 2):
        assert time.monotonic() < deadline and command.poll() is None, command.stderr.read()
        time.sleep(0.1)
    command.send_signal(signal.SIGINT)
    _, err = command.communicate(timeout=10)
    assert command.returncode == 130
    assert err.strip().endswith(f"stopped by Ctrl-C after {err.split('after ')[-1].split()[0]}"
                                f" windows; they are in {events}")
    import json

    lines = [json.loads(line) for line in events.read_text().splitlines()]
    assert len(lines) >= 2 and set(lines[0]) == {"start", "end", "labels", "scores",
                                                  "latency", "dropped"}
    time.sleep(0.5)
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit()
                and server.url.encode() in _cmdline(pid) and int(pid) != server.process.pid]


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def test_windows_restart_at_the_latest_and_count_the_frames_given_up():
    from skactrec.features._frame_batches import FrameBatcher
    from skactrec.inspection._timeline import _Windows

    def forward(frames):  # a frame's feature is its value
        return frames.reshape(len(frames), -1)[:, :1].astype(float)

    windows = _Windows(4, 2, FrameBatcher(forward, 3))
    made = [w[:2] for i in range(6) for w in windows.add(i, np.full((1, 1, 3), i, np.uint8))]
    assert made == [(0, 4), (2, 6)]
    assert windows.restart(9) == 4  # frames 6 to 9: in regular windows, in none made
    assert windows.restart(8) == 0  # already past it
    made = [w for i in range(10, 14) for w in windows.add(i, np.full((1, 1, 3), i, np.uint8))]
    made += windows.flush()
    assert [(start, end) for start, end, _ in made] == [(10, 14)]
    np.testing.assert_array_equal(made[0][2].ravel(), [10, 11, 12, 13])


def test_the_command_ends_with_the_stream(model, clips, tmp_path, capsys):
    import json

    import joblib

    from skactrec.cli._main import main
    from skactrec.cli._watch_command import _live_text

    joblib.dump(model, tmp_path / "model.joblib")
    assert main(["watch", str(clips[0]), "--realtime", "--model",
                 str(tmp_path / "model.joblib"), "--top", "2"]) == 0
    out, err = capsys.readouterr()
    windows = [json.loads(line) for line in out.splitlines()]
    assert len(windows) == 8 and windows[0]["start"] == 0.0  # part_0.mp4: 32 frames
    assert err.strip().endswith("the stream ended: 8 windows, 0 frames dropped")
    assert _live_text(windows[1]) == (
        f"     0.1-0.3 s  {windows[1]['labels'][0]} {windows[1]['scores'][0]:.0%}  "
        f"{windows[1]['labels'][1]} {windows[1]['scores'][1]:.0%}  latency "
        f"{windows[1]['latency']:.2f} s  dropped 0")
    assert main(["watch", str(clips[0]), "--model", str(tmp_path / "model.joblib")]) == 1
    assert "is a file: watch it with realtime=True" in capsys.readouterr().err
