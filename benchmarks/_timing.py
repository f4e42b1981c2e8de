"""A Keras callback that records the wall time of each epoch, shared by the fit benchmarks."""

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
