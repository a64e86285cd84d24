"""The Keras engine in graph mode: the base Layer, InputLayer, the graph of
layer calls a functional Model runs, the training loop, Sequential."""
