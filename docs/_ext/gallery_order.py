"""The order of the gallery: from a first pipeline to the paper's experiments."""

ORDER = [
    "plot_quickstart.py",
    "plot_unit_sweep.py",
    "plot_top3_strip.py",
    "plot_confusion_matrix.py",
    "plot_own_videos.py",
    "plot_feature_store.py",
    "plot_real_weights.py",
    "reproduce_kth_stand_in.py",
    "reproduce_kth.py",
    "reproduce_ucf11.py",
    "reproduce_hmdb51.py",
]


class ExampleOrder:
    """Sort key of sphinx-gallery's ``within_subsection_order``: ``ORDER``, then by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        return (ORDER.index(filename) if filename in ORDER else len(ORDER), filename)

    def __repr__(self):  # sphinx-gallery keys its cache on the repr
        return f"<{type(self).__name__}: {ORDER}>"
