"""The ``skactrec`` command line. Building the parser does not import TensorFlow: ``--help``
is fast. The options' defaults are read from the functions and estimators the commands call
(:func:`~skactrec.cli._options.default_of`), so that each default is written once."""

import argparse
import contextlib
import logging
import os
import sys

from .._version import __version__
from ._export_command import add_command as add_export_command
from ._options import add_model_options, default_of, load_model, model_estimators
from ._own_videos import add_commands as add_own_video_commands
from ._watch_command import add_command as add_watch_command

# How long --scheduler waits for the Dask scheduler to answer before giving up.
SCHEDULER_TIMEOUT = "30s"

_SCHEDULER_HELP = (
    "run the featurization and the fits on the Dask cluster whose scheduler is at ADDRESS "
    "(e.g. tcp://10.0.0.5:8786), through joblib's Dask backend; needs pip install "
    "'skactrec[dask]', and the data and --output must be paths every worker sees "
    "(default: this machine only)"
)


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skactrec",
        description="Human action recognition in videos with a CNN-LSTM (VGG16 + LSTM), "
        "after Orozco et al.",
        epilog="Environment: SKACTREC_DATA is the data home of the datasets (default "
        "~/skactrec_data); KERAS_HOME holds Keras's cache, where weights='imagenet' looks for "
        "VGG16's weights (default ~/.keras). Run 'skactrec COMMAND --help' for a "
        "command's options. Exit status: 0 on success, 1 on an error (one line on stderr), "
        "2 on a usage error.",
    )
    parser.add_argument("--version", action="version", version=f"skactrec {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error instead of one line, and "
                        "log debugging messages")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars and no messages: only the results and errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                     help="'skactrec COMMAND --help' gives its options")
    commands.required = True
    _add_demo(commands)
    _add_reproduce(commands)
    _add_predict(commands)
    add_own_video_commands(commands)
    _add_convert_weights(commands)
    add_export_command(commands)
    add_watch_command(commands)
    return parser


def _units_text(units):
    return " ".join(map(str, units))


def _add_demo(commands):
    from ..experiments._demo import demo_pipeline, run_demo

    units, epochs = default_of(run_demo, "units"), demo_pipeline()[-1].epochs
    demo = commands.add_parser(
        "demo",
        help="synthetic videos, a leave-one-group-out unit sweep and a top-3, in minutes",
        description="Generate a small synthetic action dataset, run the VGG16 + LSTM Pipeline "
        "under GridSearchCV(LeaveOneGroupOut) over LSTM unit counts, print the accuracy per "
        "number of units and the top-3 classes of a held-out video.",
    )
    demo.add_argument(
        "--weights", metavar="PATH|imagenet", default=None,
        help="VGG16 weights: imagenet (Keras's cache), or a Keras .h5, .weights.h5, .keras "
        "or ONNX file holding VGG16 (e.g. one written by skactrec convert-weights); default: "
        "random initialisation, for which the demo's settings were chosen",
    )
    demo.add_argument("--units", metavar="N", type=int, nargs="+", default=list(units),
                      help=f"LSTM unit counts to compare (default: {_units_text(units)})")
    demo.add_argument("--epochs", type=int, default=epochs,
                      help=f"training epochs per fit (default: {epochs})")
    demo.add_argument("--workdir", metavar="DIR", default=None,
                      help="keep the videos and the feature store here (default: a temp dir)")
    demo.add_argument("--n-jobs", type=int, default=None,
                      help="parallel jobs of the featurization and the search (default: 1; "
                      "with --scheduler, every worker of the cluster)")
    demo.add_argument("--scheduler", metavar="ADDRESS", default=None, help=_SCHEDULER_HELP)
    demo.add_argument("--seed", type=int, default=default_of(run_demo, "random_state"),
                      help=f"random seed (default: {default_of(run_demo, 'random_state')})")
    demo.set_defaults(handler=_demo)


def _add_reproduce(commands):
    from ..experiments._reproduce import DATASETS, reproduce
    from ..features import VGG16FrameFeaturizer

    units, dtype = default_of(reproduce, "units"), default_of(VGG16FrameFeaturizer, "dtype")
    rep = commands.add_parser(
        "reproduce",
        help="the paper's experiment on KTH, UCF-11, HMDB-51 or UCF-101: table and figures",
        description="Featurize a dataset once with VGG16 (resumable feature store), sweep the "
        "LSTM units over its official protocol, and write the accuracy table (as the paper's "
        "tables 1-3), the unit sweep, a confusion matrix and a top-3 figure.",
    )
    rep.add_argument("dataset", choices=DATASETS, metavar="{" + ",".join(DATASETS) + "}",
                     help="the benchmark and its protocol: kth (its one official split), "
                     "ucf11 (leave-one-group-out, 25 folds), hmdb51 or ucf101 (3 official "
                     "splits)")
    rep.add_argument("--data-home", metavar="DIR", default=None,
                     help="where the datasets lie (default: the skactrec data home)")
    rep.add_argument("--output", metavar="DIR", default=None,
                     help="results folder (default: skactrec-results/DATASET); the feature "
                     "store goes in its features/ subfolder")
    rep.add_argument("--units", metavar="N", type=int, nargs="+", default=list(units),
                     help=f"LSTM unit counts (default: {_units_text(units)})")
    add_model_options(rep)
    rep.add_argument("--dtype", choices=["float32", "float16"], default=dtype,
                     help=f"type of the stored features; float16 halves the disk (default: "
                     f"{dtype})")
    rep.add_argument("--n-jobs", type=int, default=None,
                     help="parallel jobs of the featurization and the sweep's fits (default: "
                     "1; with --scheduler, every worker of the cluster)")
    rep.add_argument("--scheduler", metavar="ADDRESS", default=None, help=_SCHEDULER_HELP)
    rep.set_defaults(handler=_reproduce)


def _add_predict(commands):
    predict = commands.add_parser(
        "predict",
        help="the top classes of videos, with their scores, from a saved model",
        description="Load a fitted model saved with joblib (a Pipeline of VGG16FrameFeaturizer "
        "and LSTMVideoClassifier, or any classifier of video paths with predict_proba) and "
        "print the best classes of each video with their probabilities. Loading a model runs "
        "code: load only models you made or trust.",
    )
    predict.add_argument("videos", metavar="VIDEO", nargs="+", help="video files")
    predict.add_argument("--model", metavar="MODEL", required=True,
                         help="the model file, saved with joblib.dump")
    predict.add_argument("--top", metavar="K", type=int, default=3,
                         help="classes shown per video (default: 3)")
    predict.set_defaults(handler=_predict)


def _add_convert_weights(commands):
    from ..features import imagenet_weights_path

    convert = commands.add_parser(
        "convert-weights",
        help="VGG16's convolutions from a Keras or ONNX file, as a weights file for --weights "
        "(or as ImageNet's, for weights='imagenet' offline)",
        description="Read VGG16's 13 convolutions from SOURCE (a Keras .h5, .weights.h5 or "
        ".keras file, or an ONNX model: pip install 'skactrec[onnx]') and write them to DEST. "
        "The default DEST is Keras's cache file where weights='imagenet' looks, which takes "
        "only ImageNet's weights: so ImageNet's VGG16 from an ONNX export of it makes "
        "weights='imagenet' work with no network.",
    )
    convert.add_argument("source", metavar="SOURCE", help="the file holding VGG16")
    convert.add_argument("destination", metavar="DEST", nargs="?", default=None,
                         help="the file to write, ending in .h5 (Keras's legacy layout) or "
                         f".weights.h5 (default: {imagenet_weights_path()})")
    convert.add_argument("--overwrite", action="store_true", help="replace DEST if it exists")
    convert.set_defaults(handler=_convert_weights)


def _convert_weights(args):
    from ..features import convert_vgg16_weights, imagenet_weights_path

    destination = args.destination or imagenet_weights_path()
    if os.path.exists(destination) and not args.overwrite:
        raise FileExistsError(f"{destination} exists; pass --overwrite to replace it.")
    written = convert_vgg16_weights(args.source, destination, overwrite=args.overwrite)
    print(f"wrote VGG16's weights to {written}")
    if args.destination is None:
        print("weights='imagenet' (the default) now loads them, with no network")
    return 0


@contextlib.contextmanager
def _on_cluster(address):
    """joblib's Dask backend on the cluster at ``address`` (nothing if None)."""
    if address is None:
        yield
        return
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise ValueError(f"--scheduler needs Dask: pip install 'skactrec[dask]' ({exc})") from exc
    from joblib import parallel_config

    logging.getLogger("skactrec").info("connecting to the Dask scheduler at %s", address)
    with Client(address, timeout=SCHEDULER_TIMEOUT) as client:
        n_workers = len(client.scheduler_info()["workers"])
        logging.getLogger("skactrec").info("%d workers on %s", n_workers, address)
        with parallel_config(backend="dask"):
            yield


def _n_jobs(args):
    if args.n_jobs is not None:
        return args.n_jobs
    return 1 if args.scheduler is None else -1


def _demo(args):
    from ..experiments._demo import demo_pipeline, run_demo

    pipeline = demo_pipeline(weights=args.weights, random_state=args.seed)
    pipeline.set_params(lstmvideoclassifier__epochs=args.epochs)
    with _on_cluster(args.scheduler):
        result = run_demo(pipeline=pipeline, units=args.units, workdir=args.workdir,
                          n_jobs=_n_jobs(args), random_state=args.seed,
                          verbose=0 if args.quiet else 1)
    print(result["report"], end="")
    return 0


def _reproduce(args):
    from ..experiments._reproduce import reproduce

    featurizer, classifier = model_estimators(args, dtype=args.dtype)
    with _on_cluster(args.scheduler):
        result = reproduce(
            args.dataset, data_home=args.data_home, output_dir=args.output,
            featurizer=featurizer, classifier=classifier, units=args.units,
            n_jobs=_n_jobs(args), verbose=0 if args.quiet else 1,
        )
    print(f"Results of skactrec reproduce {args.dataset} in {result.output_dir}:")
    for path in result.paths.values():
        print(f"  {path}")
    print()
    print(result.table, end="")
    return 0


def _predict(args):
    from ..inspection._top_k import predict_top_k

    model = load_model(args.model)
    labels, scores = predict_top_k(model, list(args.videos), k=min(args.top,
                                                                    len(model.classes_)))
    for video, video_labels, video_scores in zip(args.videos, labels, scores, strict=True):
        print(video)
        for rank, (label, score) in enumerate(zip(video_labels, video_scores, strict=True), 1):
            print(f"  {rank}. {label}  {score:.1%}")
    return 0


_COMMANDS_USING_TENSORFLOW = ("demo", "reproduce", "predict", "fit", "evaluate", "timeline",
                              "export", "watch")


def _start_tensorflow_quietly():
    """Import TensorFlow and let it probe its devices with file descriptor 2 closed.

    Its C++ start-up lines (oneDNN, CUDA drivers, cuInit) are noise in a command's output,
    and ``TF_CPP_MIN_LOG_LEVEL`` does not stop them: they are written before TensorFlow
    sets up its logging. ``--debug`` shows them.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _StderrHandler(logging.Handler):
    """Writes to the current ``sys.stderr`` (looked up at each message, so a replaced stream,
    as under pytest or in a notebook, is followed)."""

    def emit(self, record):
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging's convention: a handler never raises
            self.handleError(record)


def _log_to_stderr(level):
    """Show the library's log messages (``skactrec`` logger) on stderr, once per process."""
    logger = logging.getLogger("skactrec")
    logger.setLevel(level)
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        logger.addHandler(_StderrHandler())


def main(argv=None):
    """Run the ``skactrec`` command line with ``argv`` (default: ``sys.argv[1:]``)."""
    args = _build_parser().parse_args(argv)
    if not args.debug and args.command in _COMMANDS_USING_TENSORFLOW:
        _start_tensorflow_quietly()
    _log_to_stderr(logging.DEBUG if args.debug else logging.WARNING if args.quiet
                   else logging.INFO)
    try:
        return args.handler(args)
    except (ValueError, OSError, TypeError, ImportError) as exc:
        if args.debug:
            raise
        message = " ".join(str(exc).split())  # one line, even for multi-line errors
        print(f"skactrec {args.command}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:  # Ctrl-C: what was stopped, and what is kept
        if args.debug:
            raise
        print(f"skactrec {args.command}: {exc or 'stopped by Ctrl-C.'}", file=sys.stderr)
        return 130
