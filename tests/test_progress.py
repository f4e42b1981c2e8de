"""Progress lines: rewritten in place on a terminal, whole lines at tenths in a log."""

import io

from skactrec._progress import Progress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_log_gets_a_line_per_tenth_and_the_end():
    stream = io.StringIO()
    progress = Progress(100, "videos", verbose=1, stream=stream)
    for _ in range(100):
        progress.update()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert len(lines) == 10 and lines[-1].startswith("videos: 100/100")


def test_terminal_line_is_rewritten_in_place():
    stream = _Terminal()
    progress = Progress(3, "videos", verbose=1, stream=stream)
    for _ in range(3):
        progress.update(note="1 from store")
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("1 from store\n")


def test_silent_when_not_verbose():
    stream = _Terminal()
    progress = Progress(3, "videos", verbose=0, stream=stream)
    progress.update()
    assert stream.getvalue() == "" and progress.done == 1
