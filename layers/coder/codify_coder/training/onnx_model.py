"""Export an MLP to ONNX, quantize it to int8 (static, so a candidate's score does not depend on the
other candidates in the batch, as it would with dynamic activation ranges), and bake Platt
calibration into the graph as two float scalars after the last int8 layer."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from ..score import INPUT_NAME, OUTPUT_NAME
from .mlp import MLP

LOGIT_NAME = "logit"
CALIB_A, CALIB_B = "calibration_a", "calibration_b"
OPSET = 17


def build_graph(mlp: MLP, feature_names: tuple[str, ...], a: float = 1.0, b: float = 0.0) -> onnx.ModelProto:
    """features -> MatMul/Add/Relu -> MatMul/Add = logit -> Mul a/Add b/Sigmoid = probability."""
    w1, b1 = mlp.folded()
    d = len(feature_names)
    inits = [
        numpy_helper.from_array(w1.astype(np.float32), "w1"),
        numpy_helper.from_array(b1.astype(np.float32), "b1"),
        numpy_helper.from_array(mlp.w2.astype(np.float32), "w2"),
        numpy_helper.from_array(mlp.b2.astype(np.float32), "b2"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat_shape"),
        numpy_helper.from_array(np.array(a, dtype=np.float32), CALIB_A),
        numpy_helper.from_array(np.array(b, dtype=np.float32), CALIB_B),
    ]
    nodes = [
        helper.make_node("MatMul", [INPUT_NAME, "w1"], ["h_pre"], name="hidden_matmul"),
        helper.make_node("Add", ["h_pre", "b1"], ["h_bias"], name="hidden_bias"),
        helper.make_node("Relu", ["h_bias"], ["h"], name="hidden_relu"),
        helper.make_node("MatMul", ["h", "w2"], ["z_pre"], name="out_matmul"),
        helper.make_node("Add", ["z_pre", "b2"], ["z"], name="out_bias"),
        helper.make_node("Reshape", ["z", "flat_shape"], [LOGIT_NAME], name="flatten"),
        helper.make_node("Mul", [LOGIT_NAME, CALIB_A], ["z_scaled"], name="calibration_scale"),
        helper.make_node("Add", ["z_scaled", CALIB_B], ["z_calibrated"], name="calibration_shift"),
        helper.make_node("Sigmoid", ["z_calibrated"], [OUTPUT_NAME], name="sigmoid"),
    ]
    graph = helper.make_graph(
        nodes,
        "codify_candidate_scorer",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["n", d])],
        [
            helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["n"]),
            helper.make_tensor_value_info(LOGIT_NAME, TensorProto.FLOAT, ["n"]),
        ],
        initializer=inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="codify", producer_version="1"
    )
    model.ir_version = 8  # readable by every onnxruntime >= 1.14
    onnx.checker.check_model(model)
    return model


class _Reader:
    """CalibrationDataReader over fixed chunks of training features (deterministic order)."""

    def __init__(self, x: np.ndarray, chunk: int = 4096) -> None:
        self._chunks = [x[i : i + chunk].astype(np.float32) for i in range(0, len(x), chunk)]
        self._i = 0

    def get_next(self):
        if self._i >= len(self._chunks):
            return None
        self._i += 1
        return {INPUT_NAME: self._chunks[self._i - 1]}

    def rewind(self) -> None:
        self._i = 0


def quantize(model: onnx.ModelProto, calibration_x: np.ndarray) -> onnx.ModelProto:
    """Static int8 quantization of the two MatMuls (QDQ, int8 weights, uint8 activations, MinMax ranges
    from `calibration_x`). Bias, calibration and sigmoid stay float."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    # onnxruntime.quantization logs a "consider pre-processing" hint on the root logger for every model:
    # it concerns graphs with shape-inference gaps, not this two-layer MLP.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
            onnx.save_model(model, src)
            quantize_static(
                str(src),
                str(dst),
                _Reader(calibration_x),
                quant_format=QuantFormat.QDQ,
                op_types_to_quantize=["MatMul"],
                per_channel=False,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.MinMax,
                extra_options={"CalibTensorRangeSymmetric": False},
            )
            quantized = onnx.load_model(dst)
    finally:
        root.setLevel(level)
    quantized.producer_name, quantized.producer_version = "codify", "1"
    return quantized


def set_calibration(model: onnx.ModelProto, a: float, b: float) -> onnx.ModelProto:
    out = onnx.ModelProto()
    out.CopyFrom(model)
    for init in out.graph.initializer:
        if init.name == CALIB_A:
            init.CopyFrom(numpy_helper.from_array(np.array(a, dtype=np.float32), CALIB_A))
        elif init.name == CALIB_B:
            init.CopyFrom(numpy_helper.from_array(np.array(b, dtype=np.float32), CALIB_B))
    return out


def session(model: onnx.ModelProto):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def run_logits(sess, x: np.ndarray) -> np.ndarray:
    if len(x) == 0:
        return np.zeros(0)
    (z,) = sess.run([LOGIT_NAME], {INPUT_NAME: x.astype(np.float32)})
    return z.reshape(-1).astype(np.float64)
