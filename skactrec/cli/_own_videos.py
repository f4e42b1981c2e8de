"""The commands for a user's own videos: ``fit``, ``evaluate`` and ``timeline``.

Their option names are ``reproduce``'s where they mean the same, and their defaults are read
from the functions and estimators the commands call. TensorFlow is not imported while the
parser is built.
"""

import inspect
from pathlib import Path


def defaults_of(function):
    """The defaults of ``function``'s parameters, by name: an option's default comes from
    what the command calls, written once there."""
    return {name: parameter.default
            for name, parameter in inspect.signature(function).parameters.items()}


def default_of(function, name):
    """The default of ``function``'s parameter ``name``."""
    return defaults_of(function)[name]


def _add_data_argument(parser):
    parser.add_argument(
        "data", metavar="DATA",
        help="a folder with one subfolder of videos per class (DATA/<class>/.../<video>), or "
        "a list file: a CSV with a header 'path,label[,group]', or lines 'path label' "
        "(MMAction2's); paths relative to the list's folder")


def _weights_argument(value):
    """``--weights``: ``none`` (any case) is random weights (None), else as given."""
    return None if value.lower() == "none" else value


def add_model_options(parser):
    """The options of the model's settings, shared by ``reproduce`` and ``fit``: the
    defaults are the estimators' (the paper's model)."""
    from ..classifier import LSTMVideoClassifier
    from ..features import VGG16FrameFeaturizer

    vgg, lstm = defaults_of(VGG16FrameFeaturizer), defaults_of(LSTMVideoClassifier)
    parser.add_argument("--epochs", type=int, default=lstm["epochs"],
                        help=f"training epochs (default: {lstm['epochs']})")
    parser.add_argument("--n-frames", type=int, default=vgg["n_frames"],
                        help=f"frames per video (default: {vgg['n_frames']})")
    parser.add_argument("--frame-size", type=int, default=vgg["frame_size"],
                        help=f"frame size in pixels (default: {vgg['frame_size']})")
    parser.add_argument("--layer", default=vgg["layer"],
                        help=f"VGG16 layer of the features (default: {vgg['layer']})")
    parser.add_argument("--weights", metavar="PATH|imagenet|none", default=vgg["weights"],
                        type=_weights_argument,
                        help=f"VGG16 weights: a file, imagenet or none (random) (default: "
                        f"{vgg['weights']})")
    parser.add_argument("--compute-dtype", choices=["float32", "bfloat16", "float16"],
                        default=vgg["compute_dtype"],
                        help="type VGG16 and the LSTMs compute in: bfloat16 is faster on CPUs "
                             "with AVX512-BF16 or AMX, float16 on GPUs; the paper's is float32 "
                             f"(default: {vgg['compute_dtype']})")
    parser.add_argument("--temporal-pooling", choices=["last", "attention"],
                        default=lstm["temporal_pooling"],
                        help="what the LSTM's output layer reads: its last hidden state (the "
                             "paper's model) or an attention-weighted sum of every frame's "
                             f"(beyond the paper) (default: {lstm['temporal_pooling']})")
    # The command line's own choice: the estimators' default (None) is a fresh seed per run.
    parser.add_argument("--seed", type=int, default=0,
                        help="random seed of the LSTMs (and of fit's stratified folds) "
                        "(default: 0)")


def model_estimators(args, **featurizer_params):
    """The featurizer and the classifier that :func:`add_model_options`'s options describe."""
    from ..classifier import LSTMVideoClassifier
    from ..features import VGG16FrameFeaturizer

    featurizer = VGG16FrameFeaturizer(
        n_frames=args.n_frames, frame_size=args.frame_size, layer=args.layer,
        weights=args.weights, compute_dtype=args.compute_dtype, **featurizer_params)
    classifier = LSTMVideoClassifier(
        epochs=args.epochs, compute_dtype=args.compute_dtype,
        temporal_pooling=args.temporal_pooling, random_state=args.seed)
    return featurizer, classifier


def add_commands(commands):
    """Add ``fit``, ``evaluate`` and ``timeline`` to the ``skactrec`` subparsers."""
    _add_fit(commands)
    _add_evaluate(commands)
    _add_timeline(commands)


def _add_fit(commands):
    from ..experiments._own_videos import fit_own_videos

    defaults = defaults_of(fit_own_videos)
    units, folds = defaults["units"], defaults["cv"]
    fit = commands.add_parser(
        "fit", help="train a model on your own labelled videos, picking the LSTM's units by "
        "cross-validation",
        description="Read labelled videos, cross-validate the Pipeline VGG16FrameFeaturizer + "
        "LSTMVideoClassifier over LSTM unit counts (GridSearchCV; LeaveOneGroupOut with "
        "--groups, else stratified k-fold), print each count's accuracy, and save the best "
        "Pipeline refitted on all videos (joblib) with a JSON model card beside it.")
    _add_data_argument(fit)
    fit.add_argument("--output", metavar="MODEL", required=True,
                     help="where to save the model (joblib); the card goes to MODEL's name "
                     "with .json")
    fit.add_argument("--groups", metavar="REGEX", default=None,
                     help="for a folder DATA: a regular expression searched in each video's "
                     "path within its class folder, whose match (or first group) is the "
                     "video's group, e.g. 'person(\\d+)'; videos of a group are never split "
                     "between training and testing (default: none; a list file's 'group' "
                     "column is used when present)")
    fit.add_argument("--units", metavar="N", type=int, nargs="+", default=list(units),
                     help=f"LSTM unit counts to compare (default: {' '.join(map(str, units))})")
    add_model_options(fit)
    fit.add_argument("--memory", metavar="DIR", default=None,
                     help="feature store: each video is featurized once, its features kept "
                     "here for the folds and for later runs, also after an error; the saved "
                     "model uses it too when given (default: the data home's 'features' "
                     "folder, ~/skactrec_data/features or $SKACTREC_DATA/features, not "
                     "named in the saved model)")
    fit.add_argument("--cv", metavar="K", type=int, default=folds,
                     help=f"folds of the stratified k-fold used without groups (default: "
                     f"{folds})")
    fit.set_defaults(handler=_fit)


def _add_evaluate(commands):
    evaluate = commands.add_parser(
        "evaluate", help="accuracy, per-class precision and recall, and the confusion matrix "
        "of a saved model on labelled videos",
        description="Predict labelled videos with a model saved by 'skactrec fit' (or any "
        "joblib-saved classifier of video paths) and print its accuracy, each class's "
        "precision and recall and the confusion matrix. Loading a model runs code: load "
        "only models you made or trust.")
    _add_data_argument(evaluate)
    evaluate.add_argument("--model", metavar="MODEL", required=True, help="the model file")
    evaluate.add_argument("--output", metavar="DIR", default=None,
                          help="also write confusion_matrix.png and evaluation.json there")
    evaluate.set_defaults(handler=_evaluate)


def _add_timeline(commands):
    timeline = commands.add_parser(
        "timeline", help="what happens when in a long video: its classes window by window",
        description="Classify a long video window by window (the model's n_frames "
        "consecutive frames, every --stride frames) in one decoding pass, and print each "
        "window's time and best classes. Loading a model runs code: load only models you "
        "made or trust.")
    timeline.add_argument("video", metavar="VIDEO", help="a video file")
    timeline.add_argument("--model", metavar="MODEL", required=True, help="the model file")
    timeline.add_argument("--stride", metavar="FRAMES", type=int, default=None,
                          help="frames from one window to the next (default: the model's "
                          "n_frames, windows side by side)")
    timeline.add_argument("--top", metavar="K", type=int, default=3,
                          help="classes shown per window (default: 3)")
    timeline.add_argument("--plot", metavar="PNG", default=None,
                          help="also draw the timeline (frames over time above the classes' "
                          "probabilities) into this image file; needs matplotlib")
    timeline.set_defaults(handler=_timeline)


def load_labelled_videos(data, groups=None):
    """The Bunch of a class-folder tree or of a list file."""
    from ..datasets import load_video_files, load_video_list

    path = Path(data)
    if path.is_dir():
        return load_video_files(path, groups=groups)
    if groups is not None:
        raise ValueError("--groups applies to a folder of class folders; a list file gives "
                         "its groups in a 'group' column")
    return load_video_list(path)


def _fit(args):
    from sklearn.pipeline import make_pipeline

    from ..datasets import get_data_home
    from ..experiments._own_videos import fit_own_videos

    memory = args.memory or str(Path(get_data_home()) / "features")
    pipeline = make_pipeline(*model_estimators(args, memory=memory))
    result = fit_own_videos(
        load_labelled_videos(args.data, args.groups), args.output, pipeline=pipeline,
        units=args.units, cv=args.cv, random_state=args.seed, data=args.data,
        keep_memory=args.memory is not None, verbose=0 if args.quiet else 1)
    print(f"{result.cv_name}: accuracy by LSTM units (mean +- std over "
          f"{result.n_splits} folds)")
    for units, (mean, std) in result.scores.items():
        print(f"  {units:>5} | {mean:.3f} +- {std:.3f}")
    print(f"Best: {result.best_units} units. Model: {result.model_path}; card: "
          f"{result.card_path}; features stored in {memory}")
    return 0


def load_model(path):
    """A model saved with joblib, checked to be a fitted classifier with predict_proba."""
    import joblib

    model = joblib.load(path)
    if not (hasattr(model, "predict_proba") and hasattr(model, "classes_")):
        raise TypeError(f"{path} holds a {type(model).__name__}, not a fitted classifier "
                        "with predict_proba")
    return model


def _evaluate(args):
    from ..experiments._own_videos import evaluate_own_videos

    report = evaluate_own_videos(load_model(args.model), load_labelled_videos(args.data),
                                 output_dir=args.output)
    print(report.text, end="")
    for path in report.paths:
        print(f"Wrote {path}")
    return 0


def _timeline(args):
    from ..inspection._timeline import predict_timeline

    model = load_model(args.model)
    timeline = predict_timeline(model, args.video, stride=args.stride,
                                k=min(args.top, len(model.classes_)))
    print(f"{args.video}: {timeline.n_frames} frames at {timeline.fps:g} frames/s, "
          f"{len(timeline.start)} windows of {timeline.window} frames")
    for start, end, labels, scores in zip(timeline.start, timeline.end, timeline.labels,
                                          timeline.scores, strict=True):
        best = "  ".join(f"{label} {score:.0%}" for label, score in zip(labels, scores,
                                                                        strict=True))
        print(f"  {_clock(start)}-{_clock(end)}  {best}")
    if args.plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        from ..plotting._timeline import plot_timeline

        plot_timeline(timeline).savefig(args.plot, dpi=100, bbox_inches="tight")
        print(f"Wrote {args.plot}")
    return 0


def _clock(seconds):
    minutes, seconds = divmod(seconds, 60)
    return f"{int(minutes):02d}:{seconds:04.1f}"
