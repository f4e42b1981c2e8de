"""The error of an unreadable video, shared by the readers of files and of arrays."""

__all__ = ["VideoReadError"]


class VideoReadError(ValueError):
    """A video could not be read.

    Parameters
    ----------
    source : str
        The file path, or a description of the input such as ``"array"``.
    reason : str
        Why it could not be read: ffmpeg's own message, or ours.

    Attributes
    ----------
    source : str
        The file path, or a description of the input such as ``"array"``.
    reason : str
        Why it could not be read.
    """

    def __init__(self, source, reason):
        self.source = str(source)
        self.reason = str(reason)
        super().__init__(self.source, self.reason)

    def __str__(self):
        if self.source == "array":
            return f"cannot read video from array: {self.reason}"
        return f"cannot read video {self.source!r}: {self.reason}"

    def __reduce__(self):
        # Picklable across processes (joblib) although __init__ takes two arguments.
        return (type(self), (self.source, self.reason))
