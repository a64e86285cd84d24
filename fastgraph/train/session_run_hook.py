"""`tf.train.SessionRunHook` and the records passed to and from its calls:
SessionRunArgs, SessionRunContext and SessionRunValues.

A hook sees every `run` of a MonitoredSession: `begin()` before the session
is created (the graph may still change), `after_create_session(session,
coord)` once it is, then for each run `before_run(run_context)` (which may
return SessionRunArgs: more fetches, feeds or options, merged into the call)
and `after_run(run_context, run_values)` with the results of its own
fetches, and finally `end(session)` when the session closes without error.
"""

import collections

__all__ = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues"]


class SessionRunHook:
    """Hook to extend calls to MonitoredSession.run()."""

    def begin(self):
        """Called once before using the session.

        When called, the default graph is the one that will be launched in the
        session. The hook can modify the graph by adding new operations to it.
        After the `begin()` call the graph will be finalized and the other
        callbacks can not modify the graph anymore.
        """

    def after_create_session(self, session, coord):
        """Called when new TensorFlow session is created.

        This is called to signal the hooks that a new session has been
        created. `session` is the new session, `coord` the Coordinator of the
        threads the monitored session starts (its queue runners).
        """

    def before_run(self, run_context):
        """Called before each call to run().

        You can return from this call a `SessionRunArgs` object indicating
        ops or tensors to add to the upcoming `run()` call. These ops/tensors
        will be run together with the ops/tensors originally passed to the
        original run() call. The run args you return can also contain feeds
        to be added to the run() call.

        Returns None or a `SessionRunArgs` object.
        """
        return None

    def after_run(self, run_context, run_values):
        """Called after each call to run().

        The `run_values` argument contains results of requested ops/tensors
        by `before_run()`. The `run_context` argument is the same one sent to
        the `before_run` call; `run_context.request_stop()` can be called to
        stop the iteration. If `session.run()` raises any exceptions then
        `after_run()` is not called.
        """

    def end(self, session):
        """Called at the end of session.

        The `session` argument can be used in case the hook wants to run
        final ops, such as saving a last checkpoint. If `session.run()` raises
        an exception other than OutOfRangeError or StopIteration then `end()`
        is not called.
        """


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """Represents arguments to be added to a `Session.run()` call.

    fetches: Exactly like the 'fetches' argument to Session.Run(): a
      tensor, an op, or a list, tuple, dict or namedtuple of them.
    feed_dict: Exactly like the `feed_dict` argument to `Session.Run()`.
    options: Exactly like the `options` argument to `Session.run()`, i.e., a
      RunOptions.
    """

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunContext:
    """Provides information about the `session.run()` call being made.

    Provides information about original request to `Session.Run()` function.
    SessionRunHook objects can stop the loop by calling `request_stop()` of
    `run_context`.
    """

    def __init__(self, original_args, session):
        """Initializes SessionRunContext."""
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        """A `SessionRunArgs` object holding the original arguments of `run()`.

        If user called `MonitoredSession.run(fetches=a, feed_dict=b)`, then
        this field is equal to SessionRunArgs(a, b).
        """
        return self._original_args

    @property
    def session(self):
        """A TensorFlow session object which will execute the `run`."""
        return self._session

    @property
    def stop_requested(self):
        """Returns whether a stop is requested or not.

        If true, `MonitoredSession` stops iterations.
        """
        return self._stop_requested

    def request_stop(self):
        """Sets stop requested field.

        Hooks can use this function to request stop of iterations.
        `MonitoredSession` checks whether this is called or not.
        """
        self._stop_requested = True


class SessionRunValues(collections.namedtuple("SessionRunValues",
                                              ["results", "options", "run_metadata"])):
    """Contains the results of `Session.run()`.

    results: The return values from `Session.run()` corresponding to the
      fetches attribute returned in the RunArgs.
    options: `RunOptions` from the `Session.run()` call (None when neither
      the caller nor a hook gave any).
    run_metadata: `RunMetadata` from the `Session.run()` call.
    """
