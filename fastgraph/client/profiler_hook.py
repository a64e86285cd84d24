"""`tf.train.ProfilerHook`: traces a run every N steps or seconds and writes
its timeline in the Chrome trace format (`timeline-<step>.json`, read by
chrome://tracing) with `fastgraph.client.timeline`. It sits beside the
timeline, above the tf.train hooks: it asks for `RunOptions`' full trace."""

import logging
import os

from ..api.summary_writer import FileWriterCache
from ..config import RunOptions
from ..train.basic_session_run_hooks import SecondOrStepTimer
from ..train.session_run_hook import SessionRunArgs, SessionRunHook
from ..train.training_util import get_global_step
from .timeline import Timeline

__all__ = ["ProfilerHook"]

_log = logging.getLogger("fastgraph")  # tf.logging's logger


class ProfilerHook(SessionRunHook):
    """Captures CPU/GPU profiling information every N steps or seconds.

    This produces files called "timeline-<step>.json", which are in Chrome
    Trace format (open them in chrome://tracing), and adds each run's
    metadata to the summaries of `output_dir` under the tag "step_<step>".
    """

    def __init__(self, save_steps=None, save_secs=None, output_dir="", show_dataflow=True,
                 show_memory=False):
        self._output_file = os.path.join(output_dir, "timeline-{}.json")
        self._file_writer = FileWriterCache.get(output_dir)
        self._show_dataflow = show_dataflow
        self._show_memory = show_memory
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        self._next_step = None
        self._global_step_tensor = get_global_step()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use ProfilerHook.")

    def before_run(self, run_context):
        self._request_summary = (self._next_step is not None and
                                 self._timer.should_trigger_for_step(self._next_step))
        requests = {"global_step": self._global_step_tensor}
        opts = RunOptions(trace_level=RunOptions.FULL_TRACE) if self._request_summary else None
        return SessionRunArgs(requests, options=opts)

    def after_run(self, run_context, run_values):
        stale_global_step = run_values.results["global_step"]
        if self._next_step is None:
            # The first run is not traced: it starts the timer.
            self._timer.update_last_triggered_step(stale_global_step)
        step = stale_global_step + 1
        if self._request_summary:
            step = int(run_context.session.run(self._global_step_tensor))
            self._timer.update_last_triggered_step(step)
            self._save(step, self._output_file.format(step), run_values.run_metadata.step_stats)
            self._file_writer.add_run_metadata(run_values.run_metadata, f"step_{step}")
        self._next_step = step + 1

    def _save(self, step, save_path, step_stats):
        _log.info("Saving timeline for %d into '%s'.", step, save_path)
        trace = Timeline(step_stats)
        with open(save_path, "w") as f:
            f.write(trace.generate_chrome_trace_format(show_dataflow=self._show_dataflow,
                                                       show_memory=self._show_memory))
