"""A fitted Pipeline as OpenVINO's IR: the ONNX graph (:mod:`._onnx_graph`) converted by
``openvino.convert_model``, kept in float32, with the metadata in its ``rt_info``."""

import tempfile
from pathlib import Path

from ..utils._files import atomic_path
from ._onnx_graph import pipeline_to_onnx

RT_INFO_KEY = "skactrec"


def save_openvino_ir(pipeline, path):
    """Write ``path`` (``.xml``) and its weights (the ``.bin`` beside it)."""
    import openvino

    from ..features._openvino import keeping_signal_stack

    onnx_model = pipeline_to_onnx(pipeline)
    path = Path(path)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".tmp-") as folder:
        onnx_path = Path(folder) / "model.onnx"
        onnx_path.write_bytes(onnx_model.SerializeToString())
        with keeping_signal_stack():
            ir = openvino.convert_model(onnx_path)
            for prop in onnx_model.metadata_props:
                ir.set_rt_info(prop.value, [RT_INFO_KEY, prop.key])
            # compress_to_fp16=False: the IR keeps float32 weights, as the ONNX graph.
            openvino.save_model(ir, Path(folder) / path.name, compress_to_fp16=False)
        with atomic_path(path.with_suffix(".bin")) as weights:
            (Path(folder) / path.name).with_suffix(".bin").replace(weights)
        with atomic_path(path) as xml:
            (Path(folder) / path.name).replace(xml)
    return path
