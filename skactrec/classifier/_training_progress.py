"""Where a training run stands: the epoch, the batch, the metrics so far."""

import dataclasses


class EpochMetrics:
    """Metrics of an epoch: each batch's metrics averaged, weighted by the batch's size, as
    Keras's ``fit`` reports them."""

    def __init__(self, totals=None, count=0):
        self.totals, self.count = dict(totals or {}), count

    def add(self, logs, n):
        for name, value in logs.items():
            self.totals[name] = self.totals.get(name, 0.0) + float(value) * n
        self.count += n

    def result(self, prefix=""):
        return {prefix + name: total / self.count for name, total in self.totals.items()}


@dataclasses.dataclass
class Progress:
    """Where a training run stands: what a backup holds besides the model's variables."""

    epoch: int = 0  # the epoch under way
    step: int = 0  # the batches of it done
    metrics: EpochMetrics = dataclasses.field(default_factory=EpochMetrics)
    history: dict = dataclasses.field(default_factory=dict)  # per-epoch metric lists
    stopped: bool = False  # a callback or early stopping ended the run

    def end_epoch(self, logs):
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)
        self.epoch, self.step, self.metrics = self.epoch + 1, 0, EpochMetrics()
