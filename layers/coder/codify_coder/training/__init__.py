"""Training of the scoring models: needs onnx, so it is not in the serving layer (the coder layer's
Makefile leaves it out); `codify train` and a training function use it, and so does the default-model
build (codify_build.default_model).

train           a custom model from a center's coded notes (JSONL or a CodiEsp split)
core            shared: features -> numpy MLP -> ONNX -> int8 quantization -> Platt calibration -> manifest
"""
