"""What several commands share: the model's options with the estimators' own defaults,
the estimators built from them, and loading a saved model.

An option's default is read from the function or estimator the command calls
(:func:`defaults_of`), so that each default is written once. Nothing here imports
TensorFlow.
"""

import inspect


def defaults_of(function):
    """The defaults of ``function``'s parameters, by name: an option's default comes from
    what the command calls, written once there."""
    return {name: parameter.default
            for name, parameter in inspect.signature(function).parameters.items()}


def default_of(function, name):
    """The default of ``function``'s parameter ``name``."""
    return defaults_of(function)[name]


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


def load_model(path):
    """A model saved with joblib, checked to be a fitted classifier with predict_proba."""
    import joblib

    model = joblib.load(path)
    if not (hasattr(model, "predict_proba") and hasattr(model, "classes_")):
        raise TypeError(f"{path} holds a {type(model).__name__}, not a fitted classifier "
                        "with predict_proba")
    return model
