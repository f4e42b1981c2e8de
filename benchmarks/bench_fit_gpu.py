"""The LSTM's training speed on a GPU: cuDNN's LSTM, Keras's generic loop, the hoisted loop.

Issue 12, item 4: on a GPU the classifier's fit must be at least as fast as Keras's cuDNN
LSTM. At the paper's size (batches of 25 videos x 40 frames x 25088 features, 360 units,
6 classes, RMSProp) it measures, for:

* ``cudnn``: ``keras.layers.LSTM`` (cuDNN on a GPU where the backend has it);
* ``keras-generic``: ``keras.layers.LSTM(use_cudnn=False)``, Keras's per-step loop;
* ``hoisted``: ``HoistedLSTM``, the classifier's layer (the input projection as one
  product);

in float32 and mixed bfloat16 (``--dtypes``), the time of a train step on a batch already
on the device (the computation), and the epoch time of the classifier's own loop
(``skactrec.classifier._training.train``), which also moves each batch from host memory. Target:
``hoisted`` <= 1.0 x ``cudnn``, per step. It also checks that the two layers give the same
outputs for the same weights.

It runs on any Keras backend (``KERAS_BACKEND``); the GPU machines lent here have JAX but
not TensorFlow, so they run it with ``KERAS_BACKEND=jax`` (cuDNN through
``jax.experimental.rnn``). It imports skactrec's modules without the package's
``__init__``, so scikit-learn is not needed there.

    KERAS_BACKEND=jax python benchmarks/bench_fit_gpu.py
    python benchmarks/bench_fit_gpu.py --smoke          # seconds, on the CPU; run by the tests
"""

import argparse
import importlib
import os
import statistics
import sys
import time
import types

import numpy as np
from _timing import epoch_timer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAPER = dict(n_videos=383, n_frames=40, n_features=25088, n_units=360, n_classes=6)
LAYERS = ("cudnn", "keras-generic", "hoisted")
POLICIES = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}


def skactrec_module(name):
    """``skactrec.<name>``, imported without running the package's ``__init__`` when the
    package is not imported yet (no scikit-learn needed)."""
    if "skactrec" not in sys.modules:
        package = types.ModuleType("skactrec")
        package.__path__ = [os.path.join(ROOT, "skactrec")]
        sys.modules["skactrec"] = package
    return importlib.import_module(f"skactrec.{name}")


def build(kind, policy, args, seed=0):
    import keras

    HoistedLSTM = skactrec_module("_hoisted_lstm").HoistedLSTM
    layer = {
        "cudnn": lambda **kw: keras.layers.LSTM(use_cudnn="auto", **kw),
        "keras-generic": lambda **kw: keras.layers.LSTM(use_cudnn=False, **kw),
        "hoisted": lambda **kw: HoistedLSTM(**kw),  # the classifier's layer
    }[kind]
    init = keras.initializers
    model = keras.Sequential([
        keras.Input((None, args.n_features)),
        layer(units=args.n_units, dtype=policy, name="lstm",
              kernel_initializer=init.GlorotUniform(seed=seed),
              recurrent_initializer=init.Orthogonal(seed=seed + 1)),
        keras.layers.Dense(args.n_classes, activation="softmax", dtype="float32",
                           kernel_initializer=init.GlorotUniform(seed=seed + 2)),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def epoch_seconds(kind, policy, X, Y, args):
    """Median wall time of the epochs after the first (which compiles the train step)."""
    train = skactrec_module("_training").train
    times = []
    model = build(kind, policy, args)
    train(model, X, Y, None, batch_size=args.batch_size, epochs=args.epochs,
          train_index=np.arange(len(Y)), validation_index=[], callbacks=[epoch_timer(times)],
          verbose=0, shuffle_seed=0)
    return statistics.median(times[1:] or times)


def step_seconds(kind, policy, X, Y, args, steps=20):
    """Seconds per train step on one batch already on the device: the compute alone,
    without the transfer of each batch from host memory that ``train`` includes."""
    import keras

    model = build(kind, policy, args)
    x = keras.ops.convert_to_tensor(X[: args.batch_size])
    y = keras.ops.convert_to_tensor(Y[: args.batch_size])
    for _ in range(2):
        model.train_on_batch(x, y)  # compiles
    start = time.perf_counter()
    for _ in range(steps):
        logs = model.train_on_batch(x, y, return_dict=True)
    float(logs["loss"])  # waits for the last step
    return (time.perf_counter() - start) / steps


def cudnn_status():
    """Whether this backend runs Keras's LSTM on cuDNN here, and if not, why."""
    from keras import ops
    from keras.src import activations, backend

    x, h = ops.zeros((2, 3, 4)), ops.zeros((2, 5))
    try:
        backend.lstm(x, h, h, None, kernel=ops.zeros((4, 20)), recurrent_kernel=ops.zeros((5, 20)),
                     bias=ops.zeros((20,)), activation=activations.tanh,
                     recurrent_activation=activations.sigmoid)
    except NotImplementedError as exc:
        return f"no ({exc or 'no GPU, or not for these arguments'})"
    except Exception as exc:  # noqa: BLE001 (reported, not raised: this is a measurement)
        return f"no ({type(exc).__name__}: {exc})"
    return "yes"


def same_outputs(args):
    """Largest difference between the cuDNN and the hoisted layers' outputs (same weights)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, args.n_frames, args.n_features), dtype=np.float32)
    reference, hoisted = build("cudnn", "float32", args), build("hoisted", "float32", args)
    hoisted.set_weights(reference.get_weights())
    return float(np.max(np.abs(np.asarray(reference(x)) - np.asarray(hoisted(x)))))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--layers", nargs="+", choices=LAYERS, default=list(LAYERS))
    parser.add_argument("--dtypes", nargs="+", choices=list(POLICIES),
                        default=["float32", "bfloat16"])
    parser.add_argument("--steps", type=int, default=20, help="timed steps on the device")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of step timings, the layers in turn (median reported)")
    parser.add_argument("--steps-only", action="store_true", help="skip the epoch timings")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check it works")
    args = parser.parse_args(argv)
    for name, value in PAPER.items():
        setattr(args, name, value)
    if args.smoke:
        args.n_videos, args.n_frames, args.n_features, args.n_units = 20, 4, 32, 8
        args.epochs = 2
    import keras

    devices = "?"
    if keras.backend.backend() == "jax":
        import jax

        devices = [str(d) for d in jax.devices()]
    elif keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        devices = [d.name for d in tf.config.list_logical_devices()]
    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}, devices {devices}; "
          f"{args.n_videos} videos x {args.n_frames} frames x {args.n_features} features, "
          f"{args.n_units} units, batch {args.batch_size}, {args.epochs} epochs per fit")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.n_videos, args.n_frames, args.n_features), dtype=np.float32)
    Y = np.eye(args.n_classes, dtype=np.float32)[np.arange(args.n_videos) % args.n_classes]
    print(f"Keras's LSTM runs on cuDNN: {cudnn_status()}")
    print(f"cuDNN and hoisted outputs, same weights: max |difference| {same_outputs(args):.2e}")
    seconds, steps = {}, {}
    for dtype in args.dtypes:
        policy = POLICIES[dtype]
        for kind in args.layers:
            try:
                steps[kind, dtype] = step = statistics.median(
                    step_seconds(kind, policy, X, Y, args, args.steps) for _ in range(args.rounds))
                if args.steps_only:
                    print(f"{kind:>14} {dtype:>9}: {step * 1000:7.2f} ms per step on a batch on "
                          f"the device, median of {args.rounds} x {args.steps}", flush=True)
                    continue
                seconds[kind, dtype] = s = epoch_seconds(kind, policy, X, Y, args)
            except Exception as exc:  # noqa: BLE001 (reported: Keras's cuDNN path can fail)
                print(f"{kind:>14} {dtype:>9}: fails: {type(exc).__name__}: "
                      f"{str(exc).splitlines()[0][:120]}", flush=True)
                continue
            print(f"{kind:>14} {dtype:>9}: {s:7.3f} s/epoch, "
                  f"{s / args.n_videos * 1000:7.3f} ms per video-epoch with the batches read from "
                  f"host memory; {step * 1000:7.2f} ms per step on a batch on the device "
                  f"({step / args.batch_size * 1000:.3f} ms per video)", flush=True)
    for dtype in args.dtypes:
        if ("cudnn", dtype) in steps and ("hoisted", dtype) in steps:
            ratio = steps["hoisted", dtype] / steps["cudnn", dtype]
            print(f"{dtype}: classifier's layer / Keras's cuDNN LSTM, per step: {ratio:.2f} "
                  "(target <= 1.0)" + (": PASS" if ratio <= 1.0 else ": FAIL"))
        elif ("hoisted", dtype) in steps:
            print(f"{dtype}: Keras's cuDNN LSTM did not run, the classifier's layer did "
                  "(target: at least as fast as cuDNN)")
    return seconds


if __name__ == "__main__":
    main()
