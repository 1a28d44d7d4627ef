"""Training of the scoring models (build-time only: needs onnx; the runtime needs onnxruntime alone).

build_default   the default model, from the terminology and synthetic notes the project generates
train           a custom model from a center's coded notes (JSONL or a CodiEsp split)
core            shared: features -> numpy MLP -> ONNX -> int8 quantization -> Platt calibration -> manifest
"""
