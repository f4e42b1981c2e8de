"""Children that take Ctrl-C: a test run from a background job (``cmd &`` in a script, nohup)
inherits SIGINT ignored, and so would the children it starts, whose Python then never raises
KeyboardInterrupt."""

import signal


def default_ctrl_c():
    """``preexec_fn`` of a child whose Python must install its KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
