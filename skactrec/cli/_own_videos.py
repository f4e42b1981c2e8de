"""The commands for a user's own videos: ``fit``, ``evaluate`` and ``timeline``.

Their option names are ``reproduce``'s where they mean the same, and their defaults are read
from the functions and estimators the commands call. TensorFlow is not imported while the
parser is built.
"""

import argparse
from pathlib import Path

from ._options import add_model_options, defaults_of, load_model, model_estimators


def _add_data_argument(parser):
    parser.add_argument(
        "data", metavar="DATA",
        help="a folder with one subfolder of videos per class (DATA/<class>/.../<video>), or "
        "a list file: a CSV with a header 'path,label[,group]', or lines 'path label' "
        "(MMAction2's); paths relative to the list's folder")


def add_commands(commands):
    """Add ``fit``, ``evaluate`` and ``timeline`` to the ``skactrec`` subparsers."""
    _add_fit(commands)
    _add_evaluate(commands)
    _add_timeline(commands)


def _add_fit(commands):
    from ..experiments._own_videos import fit_own_videos

    defaults = defaults_of(fit_own_videos)
    units, rates, folds = defaults["units"], defaults["learning_rates"], defaults["cv"]
    fit = commands.add_parser(
        "fit", help="train a model on your own labelled videos, choosing by cross-validation "
        "among LSTM settings and a pooling head",
        description="Read labelled videos, featurize each once (VGG16FrameFeaturizer, into a "
        "store), cross-validate candidate heads on the features (LeaveOneGroupOut with "
        "--groups, else stratified k-fold): the LSTMVideoClassifier at each unit count and "
        "learning rate, and a pooling head (TemporalPooling's mean and max of each feature, "
        "then a logistic regression). Print each candidate's held-out accuracy, its accuracy "
        "on its own training videos, and whether its fits failed to fit; save the best "
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
    fit.add_argument("--units", metavar="N", type=int, nargs="*", default=list(units),
                     help=f"LSTM unit counts to compare; none: no LSTM (default: "
                     f"{' '.join(map(str, units))})")
    fit.add_argument("--learning-rates", metavar="RATE", type=float, nargs="+",
                     default=list(rates),
                     help=f"LSTM learning rates to compare (default: "
                     f"{' '.join(f'{r:g}' for r in rates)}: the paper's, and a tenth of it)")
    fit.add_argument("--pooling-head", action=argparse.BooleanOptionalAction,
                     default=defaults["pooling"],
                     help="compare the pooling head too: each feature's mean and max over "
                     "the frames, then a logistic regression (default: "
                     f"{'--pooling-head' if defaults['pooling'] else '--no-pooling-head'})")
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
        units=args.units, learning_rates=args.learning_rates, pooling=args.pooling_head,
        cv=args.cv, random_state=args.seed, data=args.data,
        keep_memory=args.memory is not None, verbose=0 if args.quiet else 1)
    print(candidates_table(result))
    print(f"Best: {result.best_name}. Model: {result.model_path}; card: "
          f"{result.card_path}; features stored in {memory}")
    return 0


def candidates_table(result):
    """Each candidate's held-out and training accuracy, and its fits that did not fit."""
    width = max(len("candidate"), *(len(name) for name in result.names))
    lines = [f"{result.cv_name} over {result.n_splits} folds: accuracy of each candidate on "
             "held-out videos (mean +- std), and on its training videos",
             f"  {'candidate':<{width}}  {'held-out':>14}  {'training':>8}"]
    for i, name in enumerate(result.names):
        line = (f"  {name:<{width}}  {result.mean[i]:.3f} +- {result.std[i]:.3f}  "
                f"{result.train[i]:8.3f}")
        if result.unfitted[i]:
            line += (f"  did not fit in {result.unfitted[i]} of {result.n_splits} folds "
                     "(training loss above half of guessing's: try a tenth of its learning "
                     "rate, or more epochs)")
        lines.append(line + ("  <- best" if i == result.best else ""))
    return "\n".join(lines)


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
