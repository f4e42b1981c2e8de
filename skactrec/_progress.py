"""A one-line progress report on stderr for long loops, shown when ``verbose >= 1``."""

import sys
import time


class Progress:
    """Counts items done and rewrites one status line on stderr.

    Parameters
    ----------
    total : int
        Number of items.
    label : str
        What is being done, shown at the start of the line.
    verbose : int
        Nothing is written when 0.

    Examples
    --------
    >>> from skactrec._progress import Progress
    >>> progress = Progress(3, "work", verbose=0)
    >>> progress.update(note="1 cached")
    >>> progress.done
    1
    """

    def __init__(self, total, label, verbose, stream=None):
        self.total = total
        self.label = label
        self.verbose = verbose
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.start = time.perf_counter()

    def update(self, n=1, note=""):
        """Record ``n`` more items done; ``note`` is appended to the line.

        On a terminal the line is rewritten in place; elsewhere (a log file, CI) a whole
        line is written at each tenth of the work, so logs stay readable.
        """
        before, self.done = self.done, self.done + n
        if not self.verbose:
            return
        interactive = getattr(self.stream, "isatty", lambda: False)()
        tenth = max(1, self.total // 10)
        if not interactive and self.done < self.total and before // tenth == self.done // tenth:
            return
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else float("inf")
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        line = f"{self.label}: {self.done}/{self.total} ({rate:.2f}/s, {eta:.0f}s left)"
        if note:
            line += f", {note}"
        if interactive:
            end = "\n" if self.done >= self.total else ""
            self.stream.write(f"\r{line}{end}")
        else:
            self.stream.write(f"{line}\n")
        self.stream.flush()
