"""`tf.train.MonitoredSession` and its parts: the Scaffold (the init, ready,
local-init, summary ops and saver of a training graph), the session
creators, MonitoredSession, SingularMonitoredSession and
MonitoredTrainingSession.

A MonitoredSession calls `begin()` of its hooks, finalizes the graph
(`Scaffold.finalize`), creates the session (restoring the latest checkpoint
or running the init ops), starts the queue runners under a Coordinator and
calls `after_create_session` of the hooks. Each `run` adds the fetches,
feeds and options the hooks ask for, and hands each hook its results. On
close, the hooks' `end()` runs (unless an error other than OutOfRangeError
or StopIteration ended the session), the threads are joined and the
session closed; leaving a `with` block on OutOfRangeError or StopIteration
ends the loop silently, as in TensorFlow.
"""

import copy
import inspect
import logging
import sys

from ..api.lookup_ops import tables_initializer
from ..api.summary import merge_all
from ..api.variables import report_uninitialized_variables
from ..framework import errors
from ..framework.graph import GraphKeys, get_default_graph
from ..framework.step_stats_protos import RunMetadata
from ..ops.array_ops import group
from ..ops.state_ops import global_variables, global_variables_initializer, \
    local_variables_initializer
from . import basic_session_run_hooks as _hooks
from .coordinator import Coordinator
from .queue_runner import start_queue_runners
from .saver import Saver
from .session_manager import SessionManager
from .session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

__all__ = ["Scaffold", "SessionCreator", "ChiefSessionCreator", "WorkerSessionCreator",
           "MonitoredSession", "SingularMonitoredSession", "MonitoredTrainingSession"]

_log = logging.getLogger("fastgraph")  # tf.logging's logger

# Errors after which a MonitoredSession creates its session again.
_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)

USE_DEFAULT = object()


class Scaffold:
    """Structure to create or gather pieces commonly needed to train a model.

    When you build a model for training you usually need ops to initialize
    variables, a `Saver` to checkpoint them, an op to collect summaries for
    the visualizer, and so on. Each piece not given is taken from its graph
    collection (INIT_OP, READY_OP, READY_FOR_LOCAL_INIT_OP, LOCAL_INIT_OP,
    SUMMARY_OP, SAVERS) or, when that is empty, built by `finalize()` and
    added to the collection; then the graph is finalized.

    `init_fn(scaffold, session)` is called after `init_op` when the model
    is not restored from a checkpoint.
    """

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None,
                 saver=None, copy_from_scaffold=None, local_init_feed_dict=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            # Given arguments win over those of the scaffold copied.
            pick = lambda given, name: given if given is not None else \
                getattr(copy_from_scaffold, name)  # noqa: E731
            init_op = pick(init_op, "init_op")
            init_feed_dict = pick(init_feed_dict, "_init_feed_dict")
            init_fn = pick(init_fn, "_user_init_fn")
            ready_op = pick(ready_op, "ready_op")
            ready_for_local_init_op = pick(ready_for_local_init_op, "ready_for_local_init_op")
            local_init_op = pick(local_init_op, "local_init_op")
            local_init_feed_dict = pick(local_init_feed_dict, "_local_init_feed_dict")
            summary_op = pick(summary_op, "summary_op")
            saver = pick(saver, "saver")
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._local_init_feed_dict = local_init_feed_dict
        self._summary_op = summary_op
        self._saver = saver

    def finalize(self):
        """Creates operations if needed and finalizes the graph."""
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default(
                "init_op", GraphKeys.INIT_OP,
                lambda: group(global_variables_initializer(),
                              *get_default_graph().get_collection("saved_model_initializers")))
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", GraphKeys.READY_OP, report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: report_uninitialized_variables(global_variables()))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", GraphKeys.LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default(
                "summary_op", GraphKeys.SUMMARY_OP, merge_all)
        if self._saver is None:
            self._saver = _saver_or_default()
        get_default_graph().finalize()
        _log.info("Graph was finalized.")
        return self

    @property
    def init_fn(self):
        """`init_fn(session)`: the user's `init_fn(scaffold, session)` bound to this scaffold."""
        return self._init_fn

    @property
    def init_op(self):
        """The op that initializes the model (global variables by default)."""
        return self._init_op

    @property
    def ready_op(self):
        """The op that lists the uninitialized variables (empty when ready)."""
        return self._ready_op

    @property
    def ready_for_local_init_op(self):
        """The op that lists the uninitialized global variables."""
        return self._ready_for_local_init_op

    @property
    def local_init_op(self):
        """The op that initializes local variables and tables."""
        return self._local_init_op

    @property
    def local_init_feed_dict(self):
        """The feeds of `local_init_op`."""
        return self._local_init_feed_dict

    @property
    def summary_op(self):
        """The merged summaries op (None when the graph has no summaries)."""
        return self._summary_op

    @property
    def saver(self):
        """The Saver of the checkpoints."""
        return self._saver

    @property
    def init_feed_dict(self):
        """The feeds of `init_op`."""
        return self._init_feed_dict

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """Get from cache or create a default operation."""
        graph = get_default_graph()
        elements = graph.get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(
                    f'More than one item in the collection "{collection_key}". Please indicate '
                    f"which one to use by passing it to the tf.Scaffold constructor as: "
                    f"tf.Scaffold({arg_name}=item to use)")
            op = elements[0]
        else:
            op = default_constructor()
            if op is not None:
                graph.add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        """Returns an op that groups the default local init ops: the local
        variables' initializer and the tables' initializer."""
        return group(local_variables_initializer(), tables_initializer())


def _saver_or_default():
    graph = get_default_graph()
    savers = graph.get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError(f"More than one item in collection {GraphKeys.SAVERS}. Please "
                               f"indicate which one to use by passing it to the constructor.")
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    graph.add_to_collection(GraphKeys.SAVERS, saver)
    return saver


# ---- session creators --------------------------------------------------------------


class SessionCreator:
    """A factory for tf.Session."""

    def create_session(self):
        """Creates a session (to be implemented by a subclass)."""
        raise NotImplementedError(f"create_session is not implemented for {self}.")


class ChiefSessionCreator(SessionCreator):
    """Creates a tf.compat.v1.Session for a chief: it restores the latest
    checkpoint of `checkpoint_dir` (or `checkpoint_filename_with_path`), or
    initializes the model with the scaffold's init op."""

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._session_manager = None
        self._master = master
        self._config = config

    def _get_session_manager(self):
        if self._session_manager is None:
            self._session_manager = SessionManager(
                local_init_op=self._scaffold.local_init_op,
                local_init_feed_dict=self._scaffold.local_init_feed_dict,
                ready_op=self._scaffold.ready_op,
                ready_for_local_init_op=self._scaffold.ready_for_local_init_op,
                graph=get_default_graph())
        return self._session_manager

    def create_session(self):
        """Finalizes the scaffold and returns a prepared session."""
        self._scaffold.finalize()
        return self._get_session_manager().prepare_session(
            self._master, saver=self._scaffold.saver, checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config, init_op=self._scaffold.init_op,
            init_feed_dict=self._scaffold.init_feed_dict, init_fn=self._scaffold.init_fn)


class WorkerSessionCreator(SessionCreator):
    """Creates a tf.compat.v1.Session for a worker: it waits (up to
    `max_wait_secs`) until the model is initialized by the chief."""

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        self._scaffold = scaffold or Scaffold()
        self._session_manager = None
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    def _get_session_manager(self):
        if self._session_manager is None:
            self._session_manager = SessionManager(
                local_init_op=self._scaffold.local_init_op,
                local_init_feed_dict=self._scaffold.local_init_feed_dict,
                ready_op=self._scaffold.ready_op,
                ready_for_local_init_op=self._scaffold.ready_for_local_init_op,
                graph=get_default_graph())
        return self._session_manager

    def create_session(self):
        """Finalizes the scaffold and waits for a ready session."""
        self._scaffold.finalize()
        return self._get_session_manager().wait_for_session(
            self._master, config=self._config, max_wait_secs=self._max_wait_secs)


# ---- the layers of a monitored session -------------------------------------------


class _HookedSession:
    """A session that runs its hooks' before_run and after_run around each run."""

    def __init__(self, sess, hooks):
        self._sess = sess
        self._hooks = hooks
        self._should_stop = False

    @property
    def graph(self):
        return self._sess.graph

    def should_stop(self):
        return self._should_stop

    def close(self):
        self._sess.close()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._should_stop:
            raise RuntimeError("Run called even after should_stop requested.")
        actual_fetches = {"caller": fetches}
        run_context = SessionRunContext(original_args=SessionRunArgs(fetches, feed_dict),
                                        session=self._sess)
        feed_dict, options = self._call_hook_before_run(run_context, actual_fetches,
                                                        feed_dict, options)
        run_metadata = run_metadata if run_metadata is not None else RunMetadata()
        outputs = self._sess.run(actual_fetches, feed_dict=feed_dict, options=options,
                                 run_metadata=run_metadata)
        for hook in self._hooks:
            hook.after_run(run_context, SessionRunValues(
                results=outputs[hook] if hook in outputs else None, options=options,
                run_metadata=run_metadata))
        self._should_stop = self._should_stop or run_context.stop_requested
        return outputs["caller"]

    def _call_hook_before_run(self, run_context, fetch_dict, user_feed_dict, options):
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(run_context)
            if request is None:
                continue
            if request.fetches is not None:
                fetch_dict[hook] = request.fetches
            if request.feed_dict:
                _raise_if_feeds_intersect(hook_feeds, request.feed_dict,
                                          "Same tensor is fed by two hooks.")
                hook_feeds.update(request.feed_dict)
            if request.options:
                options = _merged_run_options(options, request.options)
        if not hook_feeds:
            return user_feed_dict, options
        if not user_feed_dict:
            return hook_feeds, options
        _raise_if_feeds_intersect(user_feed_dict, hook_feeds,
                                  "Same tensor is fed by a SessionRunHook and user.")
        hook_feeds.update(user_feed_dict)
        return hook_feeds, options


def _raise_if_feeds_intersect(feeds1, feeds2, message):
    intersection = set(feeds1) & set(feeds2)
    if intersection:
        raise RuntimeError(message + " Conflict(s): " + str(list(intersection)))


def _merged_run_options(options, new_options):
    """The caller's options (copied, never changed) with the larger trace
    level and timeout of the two."""
    if options is None:
        return copy.copy(new_options)
    merged = copy.copy(options)
    merged.trace_level = max(int(getattr(options, "trace_level", 0) or 0),
                             int(getattr(new_options, "trace_level", 0) or 0))
    merged.timeout_in_ms = max(int(getattr(options, "timeout_in_ms", 0) or 0),
                               int(getattr(new_options, "timeout_in_ms", 0) or 0))
    return merged


class _CoordinatedSession:
    """A hooked session whose coordinator's requested stop and exceptions
    count as its own, and which joins the coordinator's threads on close."""

    def __init__(self, sess, coord, stop_grace_period_secs=120):
        self._sess = sess
        self._coord = coord
        self._stop_grace_period_secs = stop_grace_period_secs

    @property
    def graph(self):
        return self._sess.graph

    def should_stop(self):
        # A thread's exception is this session's.
        self._coord.raise_requested_exception()
        return self._coord.should_stop() or self._sess.should_stop()

    def run(self, *args, **kwargs):
        try:
            return self._sess.run(*args, **kwargs)
        except _PREEMPTION_ERRORS:
            raise
        except Exception:
            # A thread's exception may be the root cause of this one: that
            # is raised instead when there is one.
            original = sys.exc_info()[1]
            try:
                self._coord.raise_requested_exception()
            except _PREEMPTION_ERRORS:
                raise
            except Exception:
                raise original from None
            raise original

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        return step_fn(_StepContext(raw_session, run_with_hooks or self.run))

    def close(self):
        try:
            self._coord.request_stop()
            self._coord.join(stop_grace_period_secs=self._stop_grace_period_secs,
                             ignore_live_threads=True)
        finally:
            try:
                self._sess.close()
            except Exception:  # noqa: BLE001 - closing never hides the first error
                pass


class _RecoverableSession:
    """A coordinated session created again after a preemption error."""

    def __init__(self, creator):
        self._creator = creator
        self._sess = self._create_session()

    def _create_session(self):
        while True:
            try:
                return self._creator.create_session()
            except _PREEMPTION_ERRORS as e:
                _log.info("An error was raised while a session was being created. This may "
                          "be due to a preemption of a connected worker or parameter server. "
                          "A new session will be created. Error: %s", e)

    @property
    def graph(self):
        return self._sess.graph

    def should_stop(self):
        if self._sess is None:
            return True
        return self._sess.should_stop()

    def close(self):
        if self._sess is not None:
            self._sess.close()
            self._sess = None

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        while True:
            try:
                if self._sess is None:
                    self._sess = self._create_session()
                return self._sess.run(fetches, feed_dict=feed_dict, options=options,
                                      run_metadata=run_metadata)
            except _PREEMPTION_ERRORS as e:
                _log.info("An error was raised. This may be due to a preemption in a "
                          "connected worker or parameter server. The current session will be "
                          "closed and a new session will be created. Error: %s", e)
                self.close()

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        while True:
            try:
                if self._sess is None:
                    self._sess = self._create_session()
                return self._sess.run_step_fn(step_fn, raw_session, self._sess.run)
            except _PREEMPTION_ERRORS as e:
                _log.info("An error was raised. This may be due to a preemption in a "
                          "connected worker or parameter server. The current session will be "
                          "closed and a new session will be created. Error: %s", e)
                self.close()


class _CoordinatedSessionCreator:
    """Creates the raw session, starts its queue runners under a new
    Coordinator and tells the hooks; keeps the raw session."""

    def __init__(self, session_creator, hooks, stop_grace_period_secs):
        self._session_creator = session_creator
        self._hooks = hooks
        self._stop_grace_period_secs = stop_grace_period_secs
        self.coord = None
        self.tf_sess = None

    def create_session(self):
        self.tf_sess = self._session_creator.create_session()
        self.coord = Coordinator()
        start_queue_runners(sess=self.tf_sess, coord=self.coord)
        for hook in self._hooks:
            hook.after_create_session(self.tf_sess, self.coord)
        return _CoordinatedSession(_HookedSession(self.tf_sess, self._hooks), self.coord,
                                   self._stop_grace_period_secs)


class _StepContext:
    """Control flow instrument for the `step_fn` from `run_step_fn()`.

    Users of `step_fn` may perform `run()` calls without running hooks by
    accessing the `session`. A `run()` call with hooks may be performed
    using `run_with_hooks()`. Computation flow can be interrupted using
    `request_stop()`.
    """

    def __init__(self, session, run_with_hooks_fn):
        self._session = session
        self._run_with_hooks_fn = run_with_hooks_fn

    @property
    def session(self):
        """The raw session: its runs call no hooks."""
        return self._session

    def run_with_hooks(self, *args, **kwargs):
        """Same as `MonitoredSession.run`. Accepts the same arguments."""
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self):
        """Exit the training loop by causing `should_stop()` to return `True`.

        Causes `step_fn` to exit by raising StopIteration.
        """
        raise StopIteration("step_fn has requested the iterations to stop.")


class _MonitoredSession:
    """The session of MonitoredSession and SingularMonitoredSession."""

    StepContext = _StepContext

    def __init__(self, session_creator, hooks, should_recover, stop_grace_period_secs=120):
        self._graph_was_finalized = get_default_graph().finalized
        self._hooks = list(hooks or [])
        for hook in self._hooks:
            hook.begin()
        self._coordinated_creator = _CoordinatedSessionCreator(
            session_creator=session_creator or ChiefSessionCreator(), hooks=self._hooks,
            stop_grace_period_secs=stop_grace_period_secs)
        if should_recover:
            self._sess = _RecoverableSession(self._coordinated_creator)
        else:
            self._sess = self._coordinated_creator.create_session()

    @property
    def graph(self):
        """The graph that was launched in this session."""
        if self._tf_sess() is None:
            return None
        return self._tf_sess().graph

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Run ops in the monitored session.

        This method is completely compatible with the `tf.Session.run()`
        method; the hooks' fetches, feeds and options are added to the call.
        """
        if self._sess is None:
            raise RuntimeError("Session is already closed.")
        return self._sess.run(fetches, feed_dict=feed_dict, options=options,
                              run_metadata=run_metadata)

    def run_step_fn(self, step_fn):
        """Run ops using a step function.

        `step_fn(step_context)` (or `step_fn(self, step_context)` for a
        method) is called with a StepContext: its `session` runs without
        hooks, its `run_with_hooks` as `run` does, and its `request_stop()`
        ends the loop. Returns what `step_fn` returns.

        Raises ValueError if `step_fn` has other arguments, StopIteration if
        it called `request_stop()`.
        """
        args = tuple(inspect.signature(step_fn).parameters)
        if inspect.ismethod(step_fn):
            args = ("self",) + args
        if args != ("step_context",) and args != ("self", "step_context"):
            raise ValueError(f"`step_fn` may either have one `step_context` argument, or "
                             f"`self` and `step_context` arguments if it's an instance "
                             f"method. Got {args} instead.")
        return self._sess.run_step_fn(step_fn, self._tf_sess(), run_with_hooks=None)

    def should_stop(self):
        """Whether the loop should end: a hook or thread requested a stop,
        or the session is closed."""
        return self._sess is None or self._sess.should_stop()

    def close(self):
        """Ends the hooks, joins the threads and closes the session."""
        self._close_internal()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        # The end of the input or a requested stop ends the loop silently.
        return exception_type is None

    def _close_internal(self, exception_type=None):
        try:
            if not exception_type:
                for hook in self._hooks:
                    hook.end(self._coordinated_creator.tf_sess)
        finally:
            try:
                if self._sess is None:
                    raise RuntimeError("Session is already closed.")
                self._sess.close()
            finally:
                self._sess = None
                self._coordinated_creator.tf_sess = None
                self._coordinated_creator.coord = None
                if not self._graph_was_finalized:
                    get_default_graph()._unsafe_unfinalize()

    def _tf_sess(self):
        return self._coordinated_creator.tf_sess


class MonitoredSession(_MonitoredSession):
    """Session-like object that handles initialization, recovery and hooks.

    Example usage:

    ```python
    saver_hook = CheckpointSaverHook(...)
    summary_hook = SummarySaverHook(...)
    with MonitoredSession(session_creator=ChiefSessionCreator(...),
                          hooks=[saver_hook, summary_hook]) as sess:
      while not sess.should_stop():
        sess.run(train_op)
    ```

    At creation it calls `hook.begin()` of each hook, finalizes the graph
    via `scaffold.finalize()`, creates the session, initializes the model
    (restoring a checkpoint or running the init ops), starts the queue
    runners and calls `hook.after_create_session()`. On an AbortedError or
    UnavailableError it creates the session again.
    """

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        super().__init__(session_creator, hooks, should_recover=True,
                         stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """Session-like object that handles initialization, restoring, and hooks.

    Unlike MonitoredSession it does not recover from AbortedError or
    UnavailableError, it is always a chief, and `raw_session()` gives the
    underlying tf.Session.
    """

    def __init__(self, hooks=None, scaffold=None, master="", config=None,
                 checkpoint_dir=None, stop_grace_period_secs=120,
                 checkpoint_filename_with_path=None):
        session_creator = ChiefSessionCreator(
            scaffold=scaffold, master=master, config=config, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(session_creator, hooks, should_recover=False,
                         stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self):
        """Returns underlying `TensorFlow.Session` object."""
        return self._tf_sess()


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None,  # noqa: N802
                             scaffold=None, hooks=None, chief_only_hooks=None,
                             save_checkpoint_secs=USE_DEFAULT, save_summaries_steps=USE_DEFAULT,
                             save_summaries_secs=USE_DEFAULT, config=None,
                             stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=USE_DEFAULT,
                             summary_dir=None, save_graph_def=True):
    """Creates a `MonitoredSession` for training.

    For a chief, this utility sets proper session initializer/restorer. It
    also creates hooks related to checkpoint and summary saving. For
    workers, this utility sets proper session creator which waits for the
    chief to initialize/restore.

    With a `checkpoint_dir`, the chief restores its latest checkpoint and
    saves one every `save_checkpoint_secs` (600 by default) or
    `save_checkpoint_steps`; with a `summary_dir` (default
    `checkpoint_dir`), it saves summaries every `save_summaries_steps` (100
    by default) or `save_summaries_secs`, and logs the steps per second
    every `log_step_count_steps`. The hooks run in the order
    chief_only_hooks, StepCounterHook, SummarySaverHook,
    CheckpointSaverHook, hooks.
    """
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_secs is USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is USE_DEFAULT:
        save_summaries_steps = None
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is USE_DEFAULT:
        save_checkpoint_steps = None
    scaffold = scaffold or Scaffold()
    if not is_chief:
        session_creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                               max_wait_secs=max_wait_secs)
        return MonitoredSession(session_creator=session_creator, hooks=hooks or [],
                                stop_grace_period_secs=stop_grace_period_secs)
    all_hooks = list(chief_only_hooks or [])
    session_creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                          master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(_hooks.StepCounterHook(output_dir=summary_dir,
                                                    every_n_steps=log_step_count_steps))
        if (save_summaries_steps and save_summaries_steps > 0) or \
                (save_summaries_secs and save_summaries_secs > 0):
            all_hooks.append(_hooks.SummarySaverHook(
                scaffold=scaffold, save_steps=save_summaries_steps,
                save_secs=save_summaries_secs, output_dir=summary_dir))
    if checkpoint_dir:
        if (save_checkpoint_secs and save_checkpoint_secs > 0) or \
                (save_checkpoint_steps and save_checkpoint_steps > 0):
            all_hooks.append(_hooks.CheckpointSaverHook(
                checkpoint_dir, save_steps=save_checkpoint_steps,
                save_secs=save_checkpoint_secs, scaffold=scaffold,
                save_graph_def=save_graph_def))
    all_hooks.extend(hooks or [])
    return MonitoredSession(session_creator=session_creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)
