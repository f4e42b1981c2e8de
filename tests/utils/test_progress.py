"""Progress: a tqdm bar on a terminal, INFO log lines at tenths elsewhere, silence at verbose=0."""

import io
import logging

import numpy as np

from skactrec import VGG16FrameFeaturizer
from skactrec.utils._progress import Progress, say


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_gets_a_bar_with_the_note():
    stream = _Terminal()
    with Progress(3, "VGG16 features", verbose=1, stream=stream) as progress:
        for _ in range(3):
            progress.update(note="1 from store")
    text = stream.getvalue()
    assert "VGG16 features" in text and "3/3" in text and "1 from store" in text
    assert "\r" in text  # redrawn in place, not one line per update


def test_log_gets_a_line_per_tenth_and_the_end(caplog):
    stream = io.StringIO()  # not a terminal: no bar
    with caplog.at_level(logging.INFO, logger="skactrec"):
        with Progress(100, "videos", verbose=1, stream=stream) as progress:
            for _ in range(100):
                progress.update()
    assert stream.getvalue() == ""
    messages = [r.getMessage() for r in caplog.records if r.name == "skactrec"]
    assert len(messages) == 10 and messages[-1].startswith("videos: 100/100 videos")


def test_silent_when_not_verbose(caplog):
    stream = _Terminal()
    with caplog.at_level(logging.DEBUG):
        with Progress(3, "videos", verbose=0, stream=stream) as progress:
            progress.update()
    assert stream.getvalue() == "" and progress.done == 1 and not caplog.records


def test_featurizer_shows_nothing_at_verbose_0(capfd, caplog):
    videos = [np.zeros((2, 8, 8, 3), np.uint8)] * 2
    featurizer = VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block1_pool",
                                      weights=None)
    with caplog.at_level(logging.INFO, logger="skactrec"):
        featurizer.fit_transform(videos)
    assert not [r for r in caplog.records if "VGG16 features" in r.getMessage()]
    assert "VGG16 features" not in capfd.readouterr().err


def test_featurizer_logs_progress_when_verbose_off_a_terminal(caplog):
    videos = [np.zeros((2, 8, 8, 3), np.uint8)] * 2
    featurizer = VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block1_pool",
                                      weights=None, verbose=1)
    with caplog.at_level(logging.INFO, logger="skactrec"):
        featurizer.fit_transform(videos)
    assert any("VGG16 features: 2/2" in r.getMessage() for r in caplog.records)


def test_say_logs_a_step_only_when_verbose(caplog):
    with caplog.at_level(logging.DEBUG, logger="skactrec"):
        say(0, "hidden")
        say(1, "reproduce kth: 599 videos")
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("skactrec", logging.INFO, "reproduce kth: 599 videos")]
