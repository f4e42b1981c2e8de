"""Messages for people during long work: the steps (:func:`say`) and the progress of long
loops (:class:`Progress`: featurization, the fits of a sweep), a tqdm bar on a terminal,
``logging`` lines at each tenth elsewhere. Both are driven by ``verbose``: nothing is shown
or logged when it is 0."""

import logging
import os
import sys
import time

logger = logging.getLogger("skactrec")


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _terminal_width(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):  # no file descriptor, or not a terminal
        return 0


def say(verbose, message):
    """Log ``message`` at INFO level on the ``skactrec`` logger, when ``verbose`` is not 0.

    The one way a long function tells people what it is doing: the command line shows the
    ``skactrec`` logger's INFO messages on stderr, ``--quiet`` hides them.

    Examples
    --------
    >>> from skactrec.utils._progress import say
    >>> say(0, "nothing is logged")
    """
    if verbose:
        logger.info("%s", message)


class Progress:
    """Counts items done; shows a progress bar on a terminal, logs tenths elsewhere.

    Parameters
    ----------
    total : int
        Number of items.
    label : str
        What is being done, shown at the start of the bar or line.
    verbose : int
        Nothing is shown or logged when 0.
    unit : str, default="video"
        What an item is, for the bar's rate.
    stream : file-like, default=None
        Where the bar goes (``sys.stderr`` by default). When it is not a terminal (a log
        file, CI), the progress is logged instead, at INFO level on the ``skactrec`` logger,
        at each tenth of the work and at the end.

    Examples
    --------
    >>> from skactrec.utils._progress import Progress
    >>> with Progress(3, "work", verbose=0) as progress:
    ...     progress.update(note="1 cached")
    >>> progress.done
    1
    """

    def __init__(self, total, label, verbose, *, unit="video", stream=None):
        self.total = total
        self.label = label
        self.verbose = verbose
        self.unit = unit
        self.done = 0
        self.start = time.perf_counter()
        stream = sys.stderr if stream is None else stream
        self._bar = None
        if verbose and _is_terminal(stream):
            from tqdm import tqdm

            # Follow the terminal's width, unless it reports none (a bare pseudo-terminal).
            follow = _terminal_width(stream) > 0
            self._bar = tqdm(total=total, desc=label, unit=unit, file=stream, leave=True,
                             dynamic_ncols=follow, ncols=None if follow else 80,
                             nrows=None if follow else 24)

    def update(self, n=1, note=""):
        """Record ``n`` more items done; ``note`` (e.g. ``"12 from store"``) is shown after."""
        before, self.done = self.done, self.done + n
        if not self.verbose:
            return
        if self._bar is not None:
            if note:
                self._bar.set_postfix_str(note, refresh=False)
            self._bar.update(n)
            return
        tenth = max(1, self.total // 10)
        if self.done < self.total and before // tenth == self.done // tenth:
            return
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else float("inf")
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        logger.info("%s: %d/%d %ss (%.2f/s, %.0f s left)%s", self.label, self.done, self.total,
                    self.unit, rate, left, f", {note}" if note else "")

    def close(self):
        """End the bar (if any); the object records no more progress after."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
