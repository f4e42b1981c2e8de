"""A killed ``skactrec reproduce`` run again: the fits it finished are not redone.

On the 599-clip KTH stand-in of ``examples/reproduce_kth_stand_in.py`` (KTH's layout and
names, synthetic clips; random VGG16 weights: the accuracies mean nothing, the fits are the
point), ``skactrec reproduce kth`` sweeps ``--units`` over KTH's one official split. It runs
three times: once whole (the reference), once killed with SIGKILL as soon as ``--kill-after``
fits are on record and the next one has a backup, and once more over the killed run's output.
Printed: the fits on record at the kill, the fits the last run made (read from the records
it added), the epochs the interrupted fit had backed up, and whether the resumed run's
accuracy table equals the reference's.

    python benchmarks/resume_reproduce.py
    python benchmarks/resume_reproduce.py --smoke     # a few minutes: not run by the tests
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dress_rehearsal import load_stand_in_builder


def reproduce_command(home, output, args):
    return [sys.executable, "-m", "skactrec", "-q", "reproduce", "kth", "--data-home",
            str(home), "--output", str(output), "--units", *map(str, args.units),
            "--n-frames", str(args.n_frames), "--frame-size", "32", "--layer", "block4_pool",
            "--weights", "none", "--epochs", str(args.epochs)]


def records(output):
    return sorted((Path(output) / "fits" / "scores").rglob("*.json"))


def backed_up_epoch(output):
    """The epoch of the backup of the fit under way, or None."""
    for latest in (Path(output) / "fits" / "backups").glob("*/latest"):
        snapshot = latest.parent / latest.read_text().strip()
        try:
            return json.loads((snapshot / "state.json").read_text())["epoch"]
        except (OSError, ValueError):
            continue
    return None


def run_killed(command, output, kill_after):
    """Run ``command``; SIGKILL it once ``kill_after`` fits are on record and the next fit
    has a backup. ``(records at the kill, backed-up epoch)``."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None:
            epoch = backed_up_epoch(output)
            if len(records(output)) >= kill_after and epoch:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                return len(records(output)), epoch
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
    raise RuntimeError("the run ended before it could be killed: raise --epochs")


def table(output):
    return json.loads((Path(output) / "summary.json").read_text())["accuracy_by_units"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[2, 4, 8, 16, 32, 64])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--n-frames", type=int, default=8)
    parser.add_argument("--kill-after", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.units, args.epochs, args.n_frames, args.kill_after = [2, 4, 8], 8, 4, 1
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        load_stand_in_builder()(home, n_frames=args.n_frames)
        reference, resumed = Path(tmp) / "reference", Path(tmp) / "resumed"
        subprocess.run(reproduce_command(home, reference, args), check=True,
                       stdout=subprocess.DEVNULL)
        done, epoch = run_killed(reproduce_command(home, resumed, args), resumed,
                                 args.kill_after)
        before = set(records(resumed))
        start = time.perf_counter()
        subprocess.run(reproduce_command(home, resumed, args), check=True,
                       stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        made = len(set(records(resumed)) - before)
        same = table(resumed) == table(reference)
        print(f"accuracy by units, uninterrupted: {table(reference)}; resumed: {table(resumed)}")
    total = len(args.units)
    print(f"{total} fits (units {args.units} x 1 fold, {args.epochs} epochs): killed with "
          f"{done} on record and the next backed up at epoch {epoch}; the run again made "
          f"{made} fits in {seconds:.0f} s, took {total - made} from the record")
    print(f"target: the fits on record not redone ({total - made} of {done}); the accuracy "
          f"table {'equals' if same else 'DIFFERS FROM'} the uninterrupted run's")


if __name__ == "__main__":
    main()
