"""What the featurizer's ``transform`` hands back besides features in memory: its output
in an unnamed temporary file (``memmap=True``), and one error naming every unreadable video."""

import tempfile

import numpy as np

from ..video._reader import VideoReadError


class FileOutput:
    """The output of ``transform`` in an unnamed temporary file, written video by video.

    Writing goes through the file rather than a writable memory map, so the pages
    written never count in the process's memory. The file has no name (it is deleted as
    soon as it is created), so the disk space returns when the memory map is deleted, and
    a killed process leaves nothing behind.
    """

    def __init__(self, shape, dtype, store):
        self.shape, self.dtype = shape, np.dtype(dtype)
        self.file = tempfile.TemporaryFile(
            prefix="skactrec-features-", dir=None if store is None else store.directory
        )
        self.video_bytes = int(np.prod(shape[1:])) * self.dtype.itemsize
        self.file.truncate(shape[0] * self.video_bytes)  # sparse until written

    def __setitem__(self, index, features):
        """Write one video (``index`` an int) or consecutive videos (a slice ``start:stop``)."""
        start = index.start if isinstance(index, slice) else index
        self.file.seek(start * self.video_bytes)
        self.file.write(np.ascontiguousarray(features, dtype=self.dtype).data)

    def result(self):
        with self.file:
            return np.memmap(self.file, dtype=self.dtype, mode="r", shape=self.shape)



class BatchVideoReadError(VideoReadError):
    """Some videos of a batch could not be read; one error names every one of them.

    Attributes
    ----------
    errors : list of (int, Exception)
        Index in the batch and error of each unreadable video.
    n_videos : int
        Number of videos in the batch.
    """

    def __init__(self, errors, n_videos):
        self.errors = list(errors)
        self.n_videos = n_videos
        reason = "; ".join(f"video {i}: {exc}" for i, exc in self.errors)
        super().__init__(f"{len(self.errors)} of {n_videos} videos", reason)

    def __str__(self):
        lines = "\n".join(f"  video {i}: {exc}" for i, exc in self.errors)
        return f"{len(self.errors)} of {self.n_videos} videos could not be read:\n{lines}"

    def __reduce__(self):
        return (type(self), (self.errors, self.n_videos))
