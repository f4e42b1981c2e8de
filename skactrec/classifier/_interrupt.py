"""Ctrl-C during training: finish the batch under way, then stop with one clear line."""

import contextlib
import signal
import threading


class TrainingInterrupted(Exception):
    """Raised inside the training loop when Ctrl-C was pressed; becomes a KeyboardInterrupt
    whose message says where training stopped and what the backup holds."""

    @staticmethod
    def message(progress, epochs, steps, backup):
        where = f"epoch {progress.epoch + 1} of {epochs}, after batch {progress.step} of {steps}"
        if progress.step == 0:
            where = f"after epoch {progress.epoch} of {epochs}"
        if backup is None:
            kept = ("nothing was backed up (pass keras.callbacks.BackupAndRestore(backup_dir) "
                    "in callbacks to resume a fit)")
        else:
            kept = (f"the backup in {backup.directory} holds {backup.saved_at}: fit again with "
                    "the same data and parameters to resume from there")
        return f"Training stopped by Ctrl-C at {where}; {kept}."


class _CtrlC:
    pressed = False


@contextlib.contextmanager
def stop_after_batch_on_ctrl_c():
    """Within the block, a first Ctrl-C (SIGINT) sets ``.pressed`` of the object yielded,
    for the loop to stop after its batch; a second one interrupts at once. Off the main
    thread (where Python delivers no signal) nothing changes."""
    ctrl_c = _CtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield ctrl_c
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_ctrl_c(signum, frame):
        if ctrl_c.pressed:
            raise KeyboardInterrupt
        ctrl_c.pressed = True

    signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield ctrl_c
    finally:
        signal.signal(signal.SIGINT, previous)
