"""`tf.keras.callbacks`: Callback, History (what `fit` returns),
LambdaCallback and EarlyStopping."""

import numpy as np
import os

__all__ = ["Callback", "History", "LambdaCallback", "EarlyStopping"]


class Callback:
    """Abstract base class used to build new callbacks: `fit` calls its
    `on_*` methods at the start and end of training, epochs and batches."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        """Called at the beginning of training."""

    def on_train_end(self, logs=None):
        """Called at the end of training."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch, with its logs (loss and metrics)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called at the beginning of a training batch."""

    def on_train_batch_end(self, batch, logs=None):
        """Called at the end of a training batch, with its logs."""
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch, logs=None):
        """A backwards-compatibility alias for `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """A backwards-compatibility alias for `on_train_batch_end`."""


class History(Callback):
    """Callback that records events into a `History` object: `history`
    maps each loss and metric name to its value at each epoch."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on-the-fly."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        for name, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_batch_begin", on_batch_begin), ("on_batch_end", on_batch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end)):
            if fn is not None:
                setattr(self, name, fn)


class EarlyStopping(Callback):
    """Stop training when a monitored metric has stopped improving (by more
    than `min_delta`, for `patience` epochs)."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        if mode == "max" or (mode == "auto" and ("acc" in monitor or "auc" in monitor)):
            self._better = lambda a, b: a - self.min_delta > b
            self._worst = -np.inf
        else:
            self._better = lambda a, b: a + self.min_delta < b
            self._worst = np.inf

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self._worst if self.baseline is None else self.baseline
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            return
        self.wait += 1
        if self._better(current, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)


class BaseLogger(Callback):
    """Callback that accumulates epoch averages of metrics (fit's logs already
    hold them; kept for TF-Keras's callback lists)."""


class CallbackList:
    """Container abstracting a list of callbacks."""

    def __init__(self, callbacks=None, model=None, **params):
        self.callbacks = list(callbacks or [])
        if model is not None:
            for cb in self.callbacks:
                cb.set_model(model)
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def __iter__(self):
        return iter(self.callbacks)

    def __getattr__(self, name):
        if not name.startswith("on_"):
            raise AttributeError(name)

        def call_all(*args, **kwargs):
            for cb in self.callbacks:
                getattr(cb, name)(*args, **kwargs)
        return call_all


class TerminateOnNaN(Callback):
    """Callback that terminates training when a NaN loss is encountered."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = filename, separator, append
        self._keys = None

    def on_train_begin(self, logs=None):
        self._header = not (self.append and os.path.exists(self.filename))
        self._file = open(self.filename, "a" if self.append else "w")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._keys is None:
            self._keys = sorted(logs)
            if self._header:
                self._file.write(self.sep.join(["epoch"] + self._keys) + "\n")
        self._file.write(self.sep.join([str(epoch)] + [str(logs.get(k, "NA"))
                                                       for k in self._keys]) + "\n")
        self._file.flush()

    def on_train_end(self, logs=None):
        self._file.close()


class ModelCheckpoint(Callback):
    """Callback to save the Keras model's weights at some frequency (each
    epoch, or only when `monitor` improves with `save_best_only`); the
    filepath may hold `{epoch}` and the logs' keys as format fields."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=True, mode="auto", save_freq="epoch", **kwargs):
        super().__init__()
        self.filepath, self.monitor, self.save_best_only = filepath, monitor, save_best_only
        if mode == "max" or (mode == "auto" and "acc" in monitor):
            self._better, self.best = (lambda a, b: a > b), -np.inf
        else:
            self._better, self.best = (lambda a, b: a < b), np.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None or not self._better(current, self.best):
                return
            self.best = current
        self.model.save_weights(self.filepath.format(epoch=epoch + 1, **logs))


__all__ += ["BaseLogger", "CallbackList", "TerminateOnNaN", "CSVLogger", "ModelCheckpoint"]
