"""``bench_fit.py --sparse``: the input projection from the nonzeros against the dense one."""

import statistics
import warnings

import numpy as np
from _real_features import densified, real_videos
from _timing import best_time, epoch_timer

from skactrec import LSTMVideoClassifier
from skactrec.classifier._input_product import choose_input_product

TARGET_REAL = 0.7  # a sparse epoch at ImageNet's density, x the floor


def dense_floor(X, n_units, batch_size):
    """Seconds per epoch of TensorFlow's two dense products alone, ``X @ W`` and
    ``X^T @ G`` of one batch (``batch_size`` videos' frames), times the batches."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    frames = tf.constant(X[:batch_size].reshape(-1, X.shape[-1]))
    W = tf.constant(rng.standard_normal((X.shape[-1], 4 * n_units), dtype=np.float32))
    G = tf.constant(rng.standard_normal((frames.shape[0], 4 * n_units), dtype=np.float32))
    forward = best_time(lambda: tf.matmul(frames, W).numpy())
    gradient = best_time(lambda: tf.matmul(frames, G, transpose_a=True).numpy())
    return (forward + gradient) * -(-len(X) // batch_size), forward, gradient


def fit(X, y, args, input_product):
    # A tenth of the paper's learning rate: on raw real features (values in the hundreds)
    # the paper's makes training chaotic, and two fits that differ by float32 rounding
    # end far apart (the classifier's learning_rate docs).
    times = []
    clf = LSTMVideoClassifier(n_units=args.n_units, epochs=args.epochs, learning_rate=1e-4,
                              batch_size=args.batch_size, input_product=input_product,
                              callbacks=[epoch_timer(times)], random_state=0).fit(X, y)
    return clf, statistics.median(times[1:] or times)


def distance(fitted, reference, X):
    """How far two fits are apart: their LSTM kernels' largest difference over the
    reference's largest weight, and their probabilities' on X."""
    kernel = fitted.model_.get_layer("lstm").get_weights()[0]
    kernel_reference = reference.model_.get_layer("lstm").get_weights()[0]
    apart = np.abs(kernel - kernel_reference).max() / np.abs(kernel_reference).max()
    return apart, np.abs(fitted.predict_proba(X) - reference.predict_proba(X)).max()


def sparse_against_dense(args):
    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)  # 3 epochs: timing, not learning
    if args.smoke:  # synthetic features of ImageNet's density: the code runs, no figures
        rng = np.random.default_rng(0)
        shape = (args.n_videos, args.n_frames, 4096)  # x 4 x 64 units: 2^20 weights
        X = rng.random(shape, dtype=np.float32) * (rng.random(shape) < 0.1)
    else:
        X = real_videos(args.n_videos, args.n_frames)
    y = np.arange(len(X)) % args.n_classes
    print(f"X {X.shape} float32 ({X.nbytes / 2**30:.2f} GiB), {args.n_units} units, "
          f"batches of {args.batch_size}, {args.epochs} epochs per fit, the median of "
          f"epochs 2-{args.epochs} timed")
    print("apart: the largest difference of the two fits' LSTM kernels, over the kernel's "
          "largest value, and of their probabilities; 'rounding': the same for two dense "
          "fits, one of X times (1 + 2^-23) (X changed by float32 rounding)")
    print(f"{'density':>8} {'floor s':>8} {'(fwd+grad ms)':>14} {'dense s':>8} {'x floor':>8} "
          f"{'sparse s':>9} {'x floor':>8} {'auto':>7} {'apart W':>8} {'P':>8} "
          f"{'rounding W':>10} {'P':>8}")
    rows = []
    for target in args.densities:
        Xd = X if target == 0 else densified(X, target)
        floor, forward, gradient = dense_floor(Xd, args.n_units, args.batch_size)
        dense, dense_epoch = fit(Xd, y, args, "dense")
        sparse, sparse_epoch = fit(Xd, y, args, "sparse")
        auto, _ = choose_input_product("auto", Xd, args.n_units, "float32")
        rounded, _ = fit(Xd * np.float32(1 + 2**-23), y, args, "dense")
        apart, proba = distance(sparse, dense, Xd)
        rounding, rounding_proba = distance(rounded, dense, Xd)
        density = sparse.input_density_
        rows.append(dict(density=density, floor=floor, dense=dense_epoch / floor,
                         sparse=sparse_epoch / floor, auto=auto))
        print(f"{density:8.3f} {floor:8.2f} {f'({forward * 1e3:.0f}+{gradient * 1e3:.0f})':>14} "
              f"{dense_epoch:8.2f} {dense_epoch / floor:8.2f} {sparse_epoch:9.2f} "
              f"{sparse_epoch / floor:8.2f} {auto:>7} {apart:8.1e} {proba:8.1e} "
              f"{rounding:10.1e} {rounding_proba:8.1e}", flush=True)
    if not args.smoke:
        real = rows[0]
        verdict = "PASS" if real["sparse"] <= TARGET_REAL else "FAIL"
        print(f"sparse epoch at density {real['density']:.3f}: {real['sparse']:.2f} x the "
              f"floor (target <= {TARGET_REAL}): {verdict}")
    return rows
