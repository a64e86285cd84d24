"""Benchmarks: the same workloads on fastgraph, TensorFlow, ONNX Runtime and
NumPy (`python -m fastgraph.bench`, and `benchmarks/` for pytest-benchmark)."""
