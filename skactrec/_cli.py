"""The ``skactrec`` command line. Building the parser imports nothing heavy: ``--help`` is fast."""

import argparse
import sys

from . import __version__


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skactrec",
        description="Human action recognition in videos with a CNN-LSTM (VGG16 + LSTM), "
        "after Orozco et al.",
    )
    parser.add_argument("--version", action="version", version=f"skactrec {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    demo = commands.add_parser(
        "demo",
        help="synthetic videos, a leave-one-group-out unit sweep and a top-3, in minutes",
        description="Generate a small synthetic action dataset, run the VGG16 + LSTM Pipeline "
        "under GridSearchCV(LeaveOneGroupOut) over LSTM unit counts, print the accuracy per "
        "number of units and the top-3 classes of a held-out video.",
    )
    demo.add_argument(
        "--weights", metavar="PATH", default=None,
        help="VGG16 weights file (e.g. Keras's vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5);"
        " default: random initialisation",
    )
    demo.add_argument("--units", metavar="N", type=int, nargs="+", default=[4, 16],
                      help="LSTM unit counts to compare (default: 4 16)")
    demo.add_argument("--epochs", type=int, default=None, help="training epochs per fit")
    demo.add_argument("--workdir", metavar="DIR", default=None,
                      help="keep the videos and the feature store here (default: a temp dir)")
    demo.add_argument("--n-jobs", type=int, default=1, help="parallel jobs of the search")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.set_defaults(handler=_demo)
    return parser


def _demo(args):
    from ._demo import run_demo

    settings = {} if args.epochs is None else {"epochs": args.epochs}
    run_demo(units=args.units, weights=args.weights, workdir=args.workdir, n_jobs=args.n_jobs,
             random_state=args.seed, **settings)
    return 0


def main(argv=None):
    """Run the ``skactrec`` command line with ``argv`` (default: ``sys.argv[1:]``)."""
    args = _build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, OSError) as exc:
        print(f"skactrec {args.command}: error: {exc}", file=sys.stderr)
        return 1
