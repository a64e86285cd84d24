"""`tf.logging` (TF1) and `tf.compat.v1.logging`: TF's logging calls, on
Python's `logging` under the logger name "fastgraph"."""

import logging as _logging

__all__ = ["DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "set_verbosity",
           "get_verbosity", "debug", "info", "warn", "warning", "error", "fatal", "log"]

DEBUG, INFO, WARN, ERROR, FATAL = (_logging.DEBUG, _logging.INFO, _logging.WARNING,
                                   _logging.ERROR, _logging.FATAL)
WARNING = WARN

_logger = _logging.getLogger("fastgraph")


def set_verbosity(v):
    """Sets the threshold for what messages will be logged."""
    _logger.setLevel(v)


def get_verbosity():
    """Return how much logging output will be produced."""
    return _logger.getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    """Logs `msg % args` at `level`."""
    _logger.log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    """Logs at DEBUG."""
    _logger.debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    """Logs at INFO."""
    _logger.info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    """Logs at WARNING."""
    _logger.warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    """Logs at ERROR."""
    _logger.error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    """Logs at FATAL."""
    _logger.critical(msg, *args, **kwargs)
