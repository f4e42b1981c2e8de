"""The ``export`` command: a saved model as one ONNX, OpenVINO or Keras file that runs
without skactrec. TensorFlow is not imported while the parser is built."""

from pathlib import Path

from ._options import default_of, load_model


def add_command(commands):
    """Add ``export`` to the ``skactrec`` subparsers."""
    from ..export import FORMATS, export_model

    default = default_of(export_model, "format")
    export = commands.add_parser(
        "export",
        help="a saved model as one ONNX, OpenVINO or Keras file that runs without skactrec",
        description="Load a fitted Pipeline saved with joblib (by 'skactrec fit', or a "
        "Pipeline of VGG16FrameFeaturizer and LSTMVideoClassifier) and write it as one graph "
        "from uint8 frames (videos, n_frames, height, width, 3), as read_video returns them, "
        "to class probabilities, with its classes and frame settings in the file's metadata. "
        "ONNX needs pip install 'skactrec[onnx]'; OpenVINO 'skactrec[onnx,openvino]'. "
        "Loading a model runs code: load only models you made or trust.",
    )
    export.add_argument("model", metavar="MODEL", help="the model file, saved with joblib.dump")
    export.add_argument("--format", choices=sorted(FORMATS), default=default,
                        help=f"the file's format (default: {default})")
    export.add_argument("--output", metavar="FILE", default=None,
                        help="the file to write, with the format's suffix (.onnx, .xml, "
                        ".keras); an existing one is replaced (default: MODEL with the "
                        "format's suffix)")
    export.set_defaults(handler=_export)


def _export(args):
    from ..export import FORMATS, export_model
    from ..features._video_inputs import frame_size_tuple

    suffix = FORMATS[args.format]
    output = args.output or Path(args.model).with_suffix(suffix)
    model = load_model(args.model)
    path = export_model(model, output, format=args.format)
    featurizer = model[0]
    height, width = frame_size_tuple(featurizer.frame_size)
    written = [path] + ([path.with_suffix(".bin")] if args.format == "openvino" else [])
    megabytes = sum(p.stat().st_size for p in written) / 1e6
    print(f"wrote {path} ({megabytes:.1f} MB): uint8 frames (videos, {featurizer.n_frames}, "
          f"{height}, {width}, 3) -> probabilities of {len(model.classes_)} classes")
    return 0
