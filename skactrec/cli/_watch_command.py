"""The ``watch`` command: a live source classified window by window, one JSON line per
window. TensorFlow is not imported while the parser is built."""

import contextlib
import json
import sys

from ._options import defaults_of, load_model


def add_command(commands):
    """Add ``watch`` to the ``skactrec`` subparsers."""
    from ..inspection._watch import watch

    defaults = defaults_of(watch)
    parser = commands.add_parser(
        "watch", help="classify a live stream, a camera or a file played in real time, "
        "window by window as it arrives",
        description="Read a live source (a URL that ffmpeg reads: http(s), rtsp, rtmp, udp, "
        "srt; a capture device such as /dev/video0; or a file with --realtime) and classify "
        "each window of the model's n_frames consecutive frames as soon as it is in. When "
        "the model is slower than the source, frames are dropped (and counted), never "
        "queued. Each window is one JSON line: start and end (stream seconds), labels, "
        "scores, latency (seconds from its last frame's arrival to its result), dropped "
        "(frames so far). The source's end ends the command; Ctrl-C stops it at once. "
        "Loading a model runs code: load only models you made or trust.")
    parser.add_argument("source", metavar="SOURCE", help="a stream URL, a capture device, or "
                        "a video file (with --realtime)")
    parser.add_argument("--model", metavar="MODEL", required=True, help="the model file")
    parser.add_argument("--output", metavar="EVENTS", default=None,
                        help="write the JSON lines to this file, one per window as it comes "
                        "(default: standard output)")
    parser.add_argument("--top", "--k", metavar="K", dest="top", type=int,
                        default=defaults["k"],
                        help=f"classes per window (default: {defaults['k']})")
    parser.add_argument("--stride", metavar="FRAMES", type=int, default=None,
                        help="frames from one window to the next (default: the model's "
                        "n_frames, windows side by side)")
    parser.add_argument("--realtime", action="store_true",
                        help="play a video file at its own frame rate, as a live source")
    parser.add_argument("--timeout", metavar="SECONDS", type=float,
                        default=defaults["timeout"],
                        help="seconds without a frame before the source counts as stalled "
                        f"(default: {defaults['timeout']:g})")
    parser.add_argument("--retries", metavar="N", type=int, default=defaults["retries"],
                        help="times a stream that fails is opened again, waiting 1, 2, 4... "
                        f"seconds (default: {defaults['retries']})")
    parser.set_defaults(handler=_watch)


def _watch(args):
    from ..inspection._watch import watch

    model = load_model(args.model)
    windows = watch(model, args.source, stride=args.stride, k=min(args.top,
                                                                   len(model.classes_)),
                    realtime=args.realtime, timeout=args.timeout, retries=args.retries)
    live_line = sys.stderr.isatty() and not args.quiet
    n_windows, dropped = 0, 0
    with contextlib.ExitStack() as stack:
        out = sys.stdout if args.output is None else stack.enter_context(
            open(args.output, "w", encoding="utf-8"))
        try:
            for window in windows:
                out.write(json.dumps(window, default=str) + "\n")
                out.flush()  # each window is kept as soon as it is known
                n_windows, dropped = n_windows + 1, window["dropped"]
                if live_line:
                    print(f"\r{_live_text(window)}\033[K", end="", file=sys.stderr, flush=True)
        except KeyboardInterrupt:
            raise KeyboardInterrupt(
                f"stopped by Ctrl-C after {n_windows} windows"
                + (f"; they are in {args.output}" if args.output else "")) from None
        finally:
            windows.close()  # stops ffmpeg
            if live_line:
                print(file=sys.stderr)
    if not args.quiet:
        print(f"the stream ended: {n_windows} windows, {dropped} frames dropped",
              file=sys.stderr)
    return 0


def _live_text(window):
    best = "  ".join(f"{label} {score:.0%}" for label, score in
                     zip(window["labels"], window["scores"], strict=True))
    latency = "" if window["latency"] is None else f"  latency {window['latency']:.2f} s"
    return (f"{window['start']:8.1f}-{window['end']:.1f} s  {best}{latency}  "
            f"dropped {window['dropped']}")
