"""Timing shared by the benchmarks: the best of repeated calls, and a Keras callback that
records the wall time of each epoch."""

import time


def epoch_timer(times):
    """A ``keras.callbacks.Callback`` appending each epoch's wall time (s) to ``times``."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    return EpochTimer()


def best_time(function, repeats=3):
    """The shortest of ``repeats`` wall times of ``function()`` (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
