"""`tf.compat.v1.app`: `run`, the entry point of TF1 programs, and their
`flags`."""

import sys

from . import flags

__all__ = ["run", "flags"]


def run(main=None, argv=None):
    """Runs the program with an optional 'main' function and 'argv' list.

    The command line (`argv`, default `sys.argv`) is parsed into
    `flags.FLAGS`; `main` (default: the `main` of the `__main__` module) is
    called with what is left of it, and its return value is the exit
    status (`sys.exit`), as TF's `app.run`.
    """
    argv = list(sys.argv if argv is None else argv)
    rest = flags.FLAGS(argv)
    if main is None:
        main = sys.modules["__main__"].main
    sys.exit(main(rest))
