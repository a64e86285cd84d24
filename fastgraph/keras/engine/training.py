"""`tf.keras.Model` in TF1 graph mode (TF-Keras's training_v1): a
functional model `Model(inputs, outputs)` or a subclass with its own
`call`, with `compile`, `fit`, `evaluate`, `predict`, `train_on_batch`,
`test_on_batch`, `predict_on_batch`, `summary`, `save_weights` and
`load_weights`, all running in the backend's session
(`tf.compat.v1.keras.backend.get_session()`).

`compile` records the optimizer, losses and metrics; the first `fit` (or
`evaluate`, ...) builds, in the model's graph, the target placeholders, the
total loss (each output's loss reduced as TF-Keras's SUM_OVER_BATCH_SIZE,
times its loss weight, plus the layers' regularization losses), the metric
tensors and, under the name scope "training", the optimizer's updates. A
training step feeds a batch and the learning phase True and runs the loss,
the metrics, the updates and the layers' own updates (BatchNormalization's
moving statistics) in one `Session.run`. `fit` reports the loss and the
metrics of each epoch as their means over its samples (batches weighted by
their size), which is what TF-Keras's aggregation gives."""

import sys
import time

import numpy as np

from ...framework import dtypes
from ...framework.graph import Tensor, get_default_graph
from ...ops import array_ops as _array
from ...ops.array_ops import group, placeholder
from ...ops.elementwise import cast
from ...ops.reduction_ops import reduce_mean
from .. import backend, callbacks as _callbacks, losses as _losses, metrics as _metrics
from .. import optimizers as _optimizers
from .base_layer import Layer, _unique, flatten, pack_as
from .functional import run_nodes, trace_nodes
from .base_layer import keras_history
from ...train.saver import Saver
from ...train.checkpoint_reader import NewCheckpointReader
from ...train.checkpoint_management import latest_checkpoint
import os
from ...framework import errors
from .input_layer import InputLayer

__all__ = ["Model"]


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _placeholders_of(ops_list, roots):
    """The Placeholder ops the ops of `ops_list` depend on (memo in `roots`)."""
    found = set()
    stack = list(ops_list)
    seen = set()
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op.type == "Placeholder":
            found.add(id(op))
            continue
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return found


class Model(Layer):
    """A model grouping layers into an object with training and inference
    features.

    `Model(inputs, outputs)` makes a functional model from Keras tensors
    (`tf.keras.Input` and layer calls); a subclass defines its layers in
    `__init__` and its forward pass in `call(inputs, training=None)`.
    """

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        if inputs is not None and outputs is not None:
            super().__init__(name=name or backend.unique_object_name("model"),
                             trainable=trainable)
            self._init_graph_network(inputs, outputs)
        else:
            super().__init__(name=name, trainable=trainable, **kwargs)
            self._is_graph_network = False
            self.inputs = None
            self.outputs = None
            self._nodes = []
            self._graph_layers = None
        self.optimizer = None
        self._compiled = False
        self._functions = {}
        self.history = None
        self.stop_training = False

    def _init_graph_network(self, inputs, outputs):
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        self._nodes, self._graph_layers = trace_nodes(inputs, outputs)
        self._is_graph_network = True
        self.built = True

    # ---- structure -------------------------------------------------------------------

    @property
    def layers(self):
        """The model's layers (a functional model's input layers first)."""
        if self._graph_layers is not None:
            return list(self._graph_layers)
        return list(self._tracked_layers)

    def _sublayers(self):
        return self.layers

    def get_layer(self, name=None, index=None):
        """Retrieves a layer based on either its name (unique) or index."""
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}.")

    @property
    def input(self):
        """The model's input tensor(s)."""
        if self.inputs is None:
            raise AttributeError(f"Layer {self.name} is not connected, no input to return.")
        return self._nested_inputs if getattr(self, "_nested_inputs", None) is not None \
            else (self.inputs[0] if len(self.inputs) == 1 else self.inputs)

    @property
    def output(self):
        """The model's output tensor(s)."""
        if self.outputs is None:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return self._nested_outputs if getattr(self, "_nested_outputs", None) is not None \
            else (self.outputs[0] if len(self.outputs) == 1 else self.outputs)

    @property
    def output_names(self):
        """The names of the layers making the outputs (for losses and metrics)."""
        names = []
        for t in self.outputs or []:
            history = keras_history(t)
            names.append(history[0].name if history else t.op.name.split("/")[0])
        return names

    def call(self, inputs, training=None, mask=None):
        """Calls the model on new inputs: a functional model runs its layers
        again on them (sharing their weights)."""
        if not self._is_graph_network:
            raise NotImplementedError("When subclassing the `Model` class, you should "
                                      "implement a `call()` method.")
        return run_nodes(self._nodes, self._nested_inputs, inputs, self._nested_outputs,
                         training=training)

    def build(self, input_shape):
        """Builds the model for `input_shape` by calling it on placeholders."""
        if self._is_graph_network:
            self.built = True
            return
        shapes = input_shape if isinstance(input_shape, list) and input_shape and \
            isinstance(input_shape[0], (list, tuple)) else [input_shape]
        holders = [placeholder(backend.floatx(), shape=tuple(s)) for s in shapes]
        self._set_inputs(holders if len(holders) > 1 else holders[0])

    def _maybe_build_shape(self, shapes):
        # Called on its inputs, a model's layers build themselves.
        self.built = True

    def _set_inputs(self, inputs):
        """Calls a subclassed model on `inputs` and keeps them and its
        outputs as the tensors of its training functions."""
        outputs = self(inputs)
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        self._nested_inputs, self._nested_outputs = inputs, outputs

    # ---- compile -----------------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                distribute=None, run_eagerly=None, **kwargs):
        """Configures the model for training.

        Args:
          optimizer: String (name of optimizer) or optimizer instance.
          loss: Loss function: a name, a function `fn(y_true, y_pred)`, a
            `tf.keras.losses.Loss` instance, or a list/dict of them (one per
            output).
          metrics: List of metrics to be evaluated by the model during
            training and testing ("accuracy" chooses binary, categorical or
            sparse categorical accuracy from the loss and the output shape).
          loss_weights: Optional list or dict of scalar coefficients weighting
            the loss contributions of different model outputs.
        """
        self.optimizer = _optimizers.get(optimizer)
        self.loss = loss
        self._compile_metrics = metrics
        self._loss_weights = loss_weights
        self._functions = {}
        self._compiled = True

    def _per_output(self, value, default=None):
        names = self.output_names
        if isinstance(value, dict):
            return [value.get(n, default) for n in names]
        if isinstance(value, (list, tuple)) and not (len(names) == 1 and value and
                                                     isinstance(value[0], str) and
                                                     value is self._compile_metrics):
            if len(value) != len(names):
                raise ValueError(f"When passing a list as loss, it should have one entry per "
                                 f"model outputs. The model has {len(names)} outputs, but you "
                                 f"passed loss={value}")
            return list(value)
        return [value] * len(names)

    def _metric_fns(self, loss_fn, output, spec):
        fns = []
        for m in _as_list(spec):
            if m in ("accuracy", "acc"):
                name = m
                loss_name = getattr(loss_fn, "__name__", None) or getattr(loss_fn, "fn", None)
                loss_name = getattr(loss_name, "__name__", loss_name)
                last = output.shape.as_list()[-1] if output.shape.rank else None
                if loss_name == "binary_crossentropy" or last == 1:
                    fn = _metrics.binary_accuracy
                elif loss_name == "sparse_categorical_crossentropy":
                    fn = _metrics.sparse_categorical_accuracy
                else:
                    fn = _metrics.categorical_accuracy
            elif isinstance(m, str):
                fn = _metrics.get(m)
                name = m
            elif isinstance(m, _metrics.MeanMetricWrapper):
                fn, name = (lambda f, kw: lambda t, p: f(t, p, **kw))(m._fn, m._fn_kwargs), \
                    m.name
            else:
                fn, name = m, getattr(m, "__name__", type(m).__name__.lower())
            fns.append((name, fn))
        return fns

    def _build_training_tensors(self):
        if "targets" in self._functions:
            return self._functions["targets"]
        if not self._compiled:
            raise RuntimeError("You must compile your model before training/testing. Use "
                               "`model.compile(optimizer, loss)`.")
        graph = self.outputs[0].graph
        with graph.as_default():
            loss_fns = [_losses.get(fn) for fn in self._per_output(self.loss)]
            weights = self._per_output(self._loss_weights, 1.0) if self._loss_weights \
                is not None else [1.0] * len(self.outputs)
            metric_specs = self._per_output(self._compile_metrics) \
                if isinstance(self._compile_metrics, dict) else \
                [self._compile_metrics] * len(self.outputs)
            names = self.output_names
            targets, sample_weights, output_losses, metric_tensors = [], [], [], []
            metric_names = []
            multi = len(self.outputs) > 1
            with graph.name_scope(""):
                for name, output in zip(names, self.outputs):
                    targets.append(placeholder(output.dtype.base_dtype, shape=None,
                                               name=f"{name}_target"))
                    sample_weights.append(placeholder(backend.floatx(), shape=[None],
                                                      name=f"{name}_sample_weights"))
            with graph.name_scope("loss"):
                total = None
                for i, (output, target, sw, fn, w) in enumerate(zip(
                        self.outputs, targets, sample_weights, loss_fns, weights)):
                    if fn is None:
                        output_losses.append(None)
                        continue
                    rank = output.shape.rank
                    weight = sw
                    if isinstance(fn, _losses.Loss):
                        per_sample = fn.call(target, output)
                    else:
                        per_sample = fn(target, output)
                    prank = per_sample.shape.rank
                    if prank is not None and prank > 1:
                        weight = _array.reshape(sw, [-1] + [1] * (prank - 1))
                    reduction = getattr(fn, "reduction", _losses.Reduction.SUM_OVER_BATCH_SIZE)
                    if reduction == _losses.Reduction.AUTO:
                        reduction = _losses.Reduction.SUM_OVER_BATCH_SIZE
                    value = _losses.compute_weighted_loss(per_sample, weight, reduction)
                    del rank
                    output_losses.append(value)
                    term = value * w if w != 1.0 else value
                    total = term if total is None else total + term
                if total is None:
                    raise ValueError("The model cannot be compiled because it has no loss to "
                                     "optimize.")
                reg = [cast(loss, total.dtype) for loss in self.losses]
                for loss in reg:
                    total = total + loss
            with graph.name_scope("metrics"):
                for name, output, target, fn in zip(names, self.outputs, targets, loss_fns):
                    for mname, mfn in self._metric_fns(fn, output, metric_specs[
                            names.index(name)] if metric_specs else None):
                        metric_names.append(f"{name}_{mname}" if multi else mname)
                        metric_tensors.append(reduce_mean(cast(mfn(target, output),
                                                               backend.floatx())))
            loss_names = ["loss"] + ([f"{n}_loss" for n, v in zip(names, output_losses)
                                      if v is not None] if multi else [])
            loss_tensors = [total] + ([v for v in output_losses if v is not None]
                                      if multi else [])
            built = {"targets": targets, "sample_weights": sample_weights,
                     "names": loss_names + metric_names,
                     "tensors": loss_tensors + metric_tensors, "total": total}
            self._functions["targets"] = built
            self.metrics_names = built["names"]
            self.total_loss = total
            return built

    def _train_op(self):
        if "train" in self._functions:
            return self._functions["train"]
        built = self._build_training_tensors()
        graph = built["total"].graph
        with graph.as_default(), graph.name_scope("training"):
            updates = self.optimizer.get_updates(built["total"], self.trainable_weights)
        fed = {id(t.op) for t in self.inputs + built["targets"] + built["sample_weights"]}
        layer_updates = [u for u in self.updates
                         if _placeholders_of([u if not isinstance(u, Tensor) else u.op],
                                             None) <= fed]
        with graph.as_default():
            op = group(*(updates + layer_updates))
        self._functions["train"] = op
        return op

    # ---- data -----------------------------------------------------------------------------

    def _standardize(self, x, y=None, sample_weight=None):
        xs = [np.asarray(v) for v in _as_list(x)]
        if self.inputs is None:
            holders = []
            for i, v in enumerate(xs):
                dtype = backend.floatx() if v.dtype.kind in "fc" or v.dtype == np.float64 \
                    else ("int32" if v.dtype.kind in "iu" else backend.floatx())
                holders.append(placeholder(dtype, shape=(None,) + v.shape[1:],
                                           name=f"input_{i + 1}"))
            self._set_inputs(holders[0] if len(holders) == 1 else holders)
        if len(xs) != len(self.inputs):
            raise ValueError(f"Layer \"{self.name}\" expects {len(self.inputs)} input(s), but it "
                             f"received {len(xs)} input tensors.")
        xs = [v.astype(t.dtype.base_dtype.as_numpy_dtype, copy=False)
              for v, t in zip(xs, self.inputs)]
        ys = None
        if y is not None:
            ys = []
            for v, t in zip(_as_list(y), self.outputs):
                v = np.asarray(v)
                if v.ndim == 1 and t.shape.rank is not None and t.shape.rank >= 2:
                    v = v[:, None]
                ys.append(v.astype(t.dtype.base_dtype.as_numpy_dtype, copy=False))
            if len(ys) != len(self.outputs):
                raise ValueError(f"Expected {len(self.outputs)} targets, received {len(ys)}.")
        n = len(xs[0])
        for v in xs + (ys or []):
            if len(v) != n:
                raise ValueError("Data cardinality is ambiguous: all arrays must have the same "
                                 f"number of samples. Received sizes: "
                                 f"{[len(a) for a in xs + (ys or [])]}")
        sws = None
        if y is not None:
            if sample_weight is None:
                sws = [np.ones(n, np.float32) for _ in self.outputs]
            else:
                sws = [np.asarray(w, np.float32).reshape(n) for w in _as_list(sample_weight)]
                if len(sws) == 1 and len(self.outputs) > 1:
                    sws = sws * len(self.outputs)
        return xs, ys, sws

    def _feed(self, xs, ys, sws, index, training):
        feed = {t: v[index] for t, v in zip(self.inputs, xs)}
        if ys is not None:
            built = self._functions["targets"]
            feed.update({t: v[index] for t, v in zip(built["targets"], ys)})
            feed.update({t: v[index] for t, v in zip(built["sample_weights"], sws)})
        phase = backend._learning_phase_tensor()
        if phase is not None and phase.graph is self.inputs[0].graph:
            feed[phase] = bool(training)
        return feed

    # ---- training and inference -------------------------------------------------------------

    def _run_epoch(self, xs, ys, sws, batch_size, shuffle, train, callbacks=None, verbose=0,
                   steps_name="samples"):
        built = self._build_training_tensors()
        fetches = list(built["tensors"])
        if train:
            fetches.append(self._train_op())
        session = backend.get_session()
        n = len(xs[0])
        order = np.random.permutation(n) if shuffle else np.arange(n)
        sums = np.zeros(len(built["tensors"]))
        start_time = time.time()
        for batch, start in enumerate(range(0, n, batch_size)):
            index = order[start:start + batch_size]
            if callbacks:
                for cb in callbacks:
                    cb.on_train_batch_begin(batch, {"batch": batch, "size": len(index)})
            values = session.run(fetches, self._feed(xs, ys, sws, index, train))
            values = np.asarray(values[:len(built["tensors"])], dtype=np.float64)
            sums += values * len(index)
            if callbacks:
                logs = dict(zip(built["names"], (float(v) for v in values)))
                for cb in callbacks:
                    cb.on_train_batch_end(batch, logs)
        means = sums / max(n, 1)
        logs = {k: float(v) for k, v in zip(built["names"], means)}
        return logs, time.time() - start_time

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, max_queue_size=10, workers=1, use_multiprocessing=False,
            **kwargs):
        """Trains the model for a fixed number of epochs (iterations on a dataset).

        Args:
          x: Input data: a NumPy array (or list of arrays, one per input).
          y: Target data, like `x`.
          batch_size: Number of samples per gradient update (32).
          epochs: Number of epochs to train the model.
          verbose: 0 = silent, 1 or 2 = one line per epoch.
          callbacks: List of `tf.keras.callbacks.Callback` instances.
          validation_split: Fraction of the training data (its last samples,
            before shuffling) to be used as validation data.
          validation_data: `(x_val, y_val)` or `(x_val, y_val, sample_weight)`
            to evaluate the loss and metrics on at the end of each epoch.
          shuffle: Whether to shuffle the training data before each epoch.
          sample_weight: Optional NumPy array of weights for the training
            samples, used for weighting the loss function.
          initial_epoch: Epoch at which to start training.

        Returns:
          A `History` object: its `history` attribute is a record of the
          training loss values and metrics values at successive epochs, as
          well as validation loss values and validation metrics values.
        """
        if class_weight is not None:
            raise NotImplementedError("fastgraph's Keras fit has no class_weight")
        xs, ys, sws = self._standardize(x, y, sample_weight)
        if ys is None:
            raise ValueError("Target data is missing. Your model was compiled with a loss, and "
                             "therefore expects target data to be passed in `fit()`.")
        val = None
        if validation_data is not None:
            val = self._standardize(*validation_data[:2], *validation_data[2:3])
        elif validation_split:
            n = len(xs[0])
            split = int(n * (1.0 - validation_split))
            val = ([v[split:] for v in xs], [v[split:] for v in ys], [v[split:] for v in sws])
            xs, ys, sws = [v[:split] for v in xs], [v[:split] for v in ys], \
                [v[:split] for v in sws]
        batch_size = batch_size or 32
        self._build_training_tensors()
        self._train_op()
        history = _callbacks.History()
        cbs = [history] + list(callbacks or [])
        params = {"batch_size": batch_size, "epochs": epochs, "steps": None,
                  "samples": len(xs[0]), "verbose": verbose, "do_validation": val is not None,
                  "metrics": list(self.metrics_names)}
        for cb in cbs:
            cb.set_model(self)
            cb.set_params(params)
        self.stop_training = False
        for cb in cbs:
            cb.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            for cb in cbs:
                cb.on_epoch_begin(epoch)
            logs, seconds = self._run_epoch(xs, ys, sws, batch_size, shuffle, True, cbs)
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs, _ = self._run_epoch(*val, batch_size, False, False)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
            if verbose:
                n = len(xs[0])
                line = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                sys.stdout.write(f"Epoch {epoch + 1}/{epochs}\n{n}/{n} - {seconds:.0f}s - "
                                 f"{line}\n")
            for cb in cbs:
                cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for cb in cbs:
            cb.on_train_end()
        self.history = history
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Returns the loss value & metrics values for the model in test mode:
        a scalar when there are no metrics, else a list (in the order of
        `metrics_names`), or a dict when `return_dict`."""
        xs, ys, sws = self._standardize(x, y, sample_weight)
        logs, seconds = self._run_epoch(xs, ys, sws, batch_size or 32, False, False)
        if verbose:
            line = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
            sys.stdout.write(f"{len(xs[0])}/{len(xs[0])} - {seconds:.0f}s - {line}\n")
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, **kwargs):
        """Generates output predictions for the input samples (in batches of
        `batch_size`, 32 by default, with the learning phase False)."""
        xs, _, _ = self._standardize(x)
        batch_size = batch_size or 32
        session = backend.get_session()
        n = len(xs[0])
        chunks = []
        for start in range(0, n, batch_size):
            index = np.arange(start, min(n, start + batch_size))
            chunks.append(session.run(self.outputs, self._feed(xs, None, None, index, False)))
        if not chunks:
            return [np.zeros((0,) + tuple(o.shape.as_list()[1:])) for o in self.outputs]
        outs = [np.concatenate([c[i] for c in chunks]) for i in range(len(self.outputs))]
        return outs[0] if len(outs) == 1 else outs

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics=True, return_dict=False):
        """Runs a single gradient update on a single batch of data; returns
        the loss (and the metrics, as evaluate does) of the batch."""
        xs, ys, sws = self._standardize(x, y, sample_weight)
        logs, _ = self._run_epoch(xs, ys, sws, len(xs[0]), False, True)
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names]
        return values[0] if len(values) == 1 else values

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True,
                      return_dict=False):
        """Test the model on a single batch of samples."""
        xs, ys, sws = self._standardize(x, y, sample_weight)
        logs, _ = self._run_epoch(xs, ys, sws, len(xs[0]), False, False)
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names]
        return values[0] if len(values) == 1 else values

    def predict_on_batch(self, x):
        """Returns predictions for a single batch of samples."""
        return self.predict(x, batch_size=len(_as_list(x)[0]))

    # ---- weights on disk -------------------------------------------------------------------

    def _checkpoint_keys(self):
        """TF-Keras's object-based checkpoint keys of the weights
        ("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE", ...)."""
        keys = {}
        index = 0
        for layer in self.layers:
            weights = layer.weights
            if not weights:
                continue
            for w in weights:
                short = w.op.name
                prefix = layer.name + "/"
                if short.startswith(prefix):
                    short = short[len(prefix):]
                parts = short.split("/")
                if len(parts) > 1 and parts[0].endswith("_cell"):
                    parts[0] = "cell"
                keys[id(w)] = f"layer_with_weights-{index}/{'/'.join(parts)}/.ATTRIBUTES/" \
                    "VARIABLE_VALUE"
            index += 1
        return keys

    def save_weights(self, filepath, overwrite=True, save_format=None, options=None):
        """Saves all layer weights, in TensorFlow's checkpoint format (keys
        are the variables' names, as `tf.compat.v1.train.Saver` writes them,
        which TF-Keras's `load_weights` restores by name)."""
        if str(filepath).endswith((".h5", ".keras", ".hdf5")) or save_format == "h5":
            raise NotImplementedError("fastgraph's Keras saves weights in TensorFlow's "
                                      "checkpoint format only (no HDF5)")
        weights = self.weights
        graph = weights[0].graph if weights else get_default_graph()
        with graph.as_default():
            saver = self._functions.get("saver")
            if saver is None:
                saver = Saver(var_list={w.op.name: w for w in weights}, max_to_keep=None)
                self._functions["saver"] = saver
            saver.save(backend.get_session(), str(filepath), write_meta_graph=False)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, options=None):
        """Loads all layer weights from a TensorFlow checkpoint: by the
        variables' names (fastgraph's and `tf.compat.v1.train.Saver`'s
        checkpoints) or by TF-Keras's object-based keys (checkpoints of
        TF-Keras's `save_weights`)."""
        path = str(filepath)
        if os.path.isdir(path):
            path = latest_checkpoint(path)
        reader = NewCheckpointReader(path)
        keys = self._checkpoint_keys()
        pairs = []
        for w in self.weights:
            for key in (w.op.name, keys.get(id(w))):
                if key is not None and reader.has_tensor(key):
                    pairs.append((w, reader.get_tensor(key)))
                    break
            else:
                if not skip_mismatch:
                    raise errors.NotFoundError(None, None, f"Key {w.op.name} not found in "
                                               "checkpoint")
        backend.batch_set_value(pairs)

    # ---- summary -----------------------------------------------------------------------------

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints a string summary of the network: each layer's name, type,
        output shape and parameter count, and the totals."""
        if not self.built and not self.layers:
            raise ValueError("This model has not yet been built. Build the model first by "
                             "calling `build()` or by calling the model on a batch of data.")
        print_fn = print_fn or print
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        positions = [int(line_length * p) for p in positions]
        header = ["Layer (type)", "Output Shape", "Param #"]

        def row(fields):
            line = ""
            for i, field in enumerate(fields):
                start = positions[i - 1] if i else 0
                space = 2 if i != len(positions) - 1 else 0
                line += str(field)[:positions[i] - start - space]
                line += " " * (positions[i] - len(line))
            return line

        print_fn(f'Model: "{self.name}"')
        print_fn("_" * line_length)
        print_fn(row([" " + header[0]] + header[1:]))
        print_fn("=" * line_length)
        layers = [layer for layer in self.layers
                  if not (isinstance(layer, InputLayer) and not self._is_graph_network)]
        for i, layer in enumerate(layers):
            try:
                shape = layer.output_shape
                shape = _fmt_output_shape(shape)
            except AttributeError:
                shape = "multiple"
            if isinstance(layer, InputLayer):
                shape = f"[{_fmt_output_shape(layer.output_shape)}]"
            count = layer.count_params() if layer.built else 0
            print_fn(row([f" {layer.name} ({type(layer).__name__})", shape, count]))
            if i < len(layers) - 1:
                print_fn(" " * line_length)
        print_fn(" " * line_length)
        print_fn("=" * line_length)
        trainable = int(sum(np.prod(w.shape.as_list()) for w in self.trainable_weights))
        non_trainable = int(sum(np.prod(w.shape.as_list()) for w in self.non_trainable_weights))
        size = {w.dtype.base_dtype.size for w in self.weights} or {4}
        item = max(size)
        print_fn(f"Total params: {trainable + non_trainable} "
                 f"({_readable(item * (trainable + non_trainable))})")
        print_fn(f"Trainable params: {trainable} ({_readable(item * trainable)})")
        print_fn(f"Non-trainable params: {non_trainable} ({_readable(item * non_trainable)})")
        print_fn("_" * line_length)

    @property
    def metrics(self):
        """The names of the model's loss and metrics once trained, as TF-Keras lists them."""
        return list(getattr(self, "metrics_names", []))

    def reset_metrics(self):
        """Resets the state of all the metrics in the model (none are kept
        between calls in fastgraph's training loop)."""

    def get_config(self):
        return {"name": self.name, "layers": [{"class_name": type(layer).__name__,
                                                "config": layer.get_config()}
                                               for layer in self.layers]}


def _fmt_output_shape(shape):
    if isinstance(shape, list):
        return str([_fmt_output_shape(s) for s in shape]).replace("'", "")
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def _readable(nbytes):
    units = ["Byte", "KB", "MB", "GB", "TB"]
    size = float(nbytes)
    for unit in units:
        if size < 1024 or unit == units[-1]:
            return f"{size:.2f} {unit}"
        size /= 1024


del dtypes, pack_as, _unique
