"""scikit-learn's common estimator checks on every skactrec estimator.

Each estimator is listed with tiny settings; expected failures are looked up per estimator
class in ``_EXPECTED_FAILED_CHECKS``, each with a one-line reason that names a limitation
that cannot be fixed (not a bug).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skactrec import LSTMVideoClassifier, TemporalPooling, VGG16FrameFeaturizer

# Small but enough to learn sklearn's blob data (check_classifiers_train wants > 0.83
# training accuracy); a 2-D X is read as one time step per sample.
ESTIMATORS = [
    LSTMVideoClassifier(
        n_units=8, epochs=15, batch_size=25, learning_rate=0.02, random_state=0
    ),
    LSTMVideoClassifier(  # issue 16: attention over the LSTM's states, beyond the paper
        n_units=8, epochs=15, batch_size=25, learning_rate=0.02, random_state=0,
        temporal_pooling="attention",
    ),
    VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block1_pool", weights=None,
                         pooling="avg"),
    TemporalPooling(statistics=("mean", "max", "std")),
]

# The featurizer's input is a sequence of videos (paths or arrays of frames). The common
# checks feed it 2-D arrays of numbers, which its fit refuses with a ValueError that says
# a feature matrix is not a video batch. The same invariants are tested on videos in
# tests/features/test_featurizer.py (test_sklearn_invariants_on_videos).
_NOT_VIDEOS = "fits on a 2-D array of numbers, which is not a sequence of videos (fit refuses it)"
_FEATURIZER_EXPECTED_FAILURES = {
    check: _NOT_VIDEOS
    for check in [
        "check_fit_score_takes_y",
        "check_estimators_overwrite_params",
        "check_dont_overwrite_parameters",
        "check_estimators_fit_returns_self",
        "check_readonly_memmap_input",
        "check_positive_only_tag_during_fit",
        "check_estimators_dtypes",
        "check_dtype_object",
        "check_pipeline_consistency",
        "check_estimators_pickle",
        "check_f_contiguous_array_estimator",
        "check_transformer_data_not_an_array",
        "check_transformer_general",
        "check_methods_sample_order_invariance",
        "check_methods_subset_invariance",
        "check_dict_unchanged",
        "check_fit_idempotent",
        "check_fit_check_is_fitted",
        "check_fit2d_predict1d",
    ]
}
_FEATURIZER_EXPECTED_FAILURES.update({
    "check_complex_data": "fit raises ValueError on this 2-D array for not being videos, "
    "before sklearn's 'Complex data not supported' wording applies",
    "check_estimators_empty_data_messages": "fit raises ValueError on the (n, 0) array for not "
    "being videos, not with sklearn's '0 feature(s)' wording",
    "check_fit2d_1sample": "fit raises ValueError on the 2-D array for not being videos, not "
    "with sklearn's '1 sample' wording",
    "check_fit2d_1feature": "fit raises ValueError on the 2-D array for not being videos, not "
    "with sklearn's '1 feature(s)' wording",
    "check_estimators_nan_inf": "NaN/inf in an array video are refused when its frames are read; "
    "this 2-D array is refused before its values are looked at",
    "check_n_features_in": "videos have no feature count, so there is no n_features_in_ "
    "(like scikit-learn's text vectorizers); n_features_out_ is the output's",
    "check_n_features_in_after_fitting": "videos have no feature count, so there is no "
    "n_features_in_ (like scikit-learn's text vectorizers)",
})

# {estimator class: {check name: reason}}
_EXPECTED_FAILED_CHECKS = {
    LSTMVideoClassifier: {
        "check_sample_weight_equivalence_on_dense_data": "trained by mini-batch gradient "
        "descent for a number of epochs: a video repeated twice adds a gradient step's worth "
        "of samples and changes every batch's content, so it is not the same fit as a weight "
        "of 2",
    },
    TemporalPooling: {},
    VGG16FrameFeaturizer: _FEATURIZER_EXPECTED_FAILURES,
}


def _expected_failed_checks(estimator):
    return _EXPECTED_FAILED_CHECKS.get(type(estimator), {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
