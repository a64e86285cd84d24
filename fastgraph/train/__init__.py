"""`tf.train`: saving and restoring variables in TensorFlow checkpoints; the
optimizers, the global step, learning rate schedules and moving averages."""

from .checkpoint_reader import (  # noqa: F401
    CheckpointReader, NewCheckpointReader, list_variables, load_checkpoint, load_variable,
)
from .checkpoint_management import (  # noqa: F401
    checkpoint_exists, generate_checkpoint_state_proto, get_checkpoint_mtimes,
    get_checkpoint_state, latest_checkpoint, remove_checkpoint, update_checkpoint_state,
)
from .saver import Saver, export_meta_graph, import_meta_graph  # noqa: F401
from ..api.summary_iterator import summary_iterator  # noqa: F401 - tf.train's
from ..api.graph_io import write_graph  # noqa: F401 - TF1's tf.train.write_graph

__all__ = ["Saver", "latest_checkpoint", "checkpoint_exists", "NewCheckpointReader",
           "CheckpointReader", "list_variables", "load_variable", "get_checkpoint_state",
           "update_checkpoint_state", "generate_checkpoint_state_proto", "remove_checkpoint",
           "get_checkpoint_mtimes", "load_checkpoint", "summary_iterator", "write_graph", "export_meta_graph", "import_meta_graph"]

# ---- optimizers (issue 10) ----------------------------------------------------------
from .adadelta import AdadeltaOptimizer  # noqa: E402
from .adagrad import AdagradOptimizer  # noqa: E402
from .adam import AdamOptimizer  # noqa: E402
from .ftrl import FtrlOptimizer  # noqa: E402
from .gradient_descent import GradientDescentOptimizer  # noqa: E402
from .learning_rate_decay import (  # noqa: E402
    cosine_decay, cosine_decay_restarts, exponential_decay, inverse_time_decay,
    linear_cosine_decay, natural_exp_decay, noisy_linear_cosine_decay, piecewise_constant,
    polynomial_decay,
)
from .momentum import MomentumOptimizer  # noqa: E402
from .moving_averages import ExponentialMovingAverage  # noqa: E402
from .optimizer import Optimizer  # noqa: E402
from .proximal_adagrad import ProximalAdagradOptimizer  # noqa: E402
from .proximal_gradient_descent import ProximalGradientDescentOptimizer  # noqa: E402
from .rmsprop import RMSPropOptimizer  # noqa: E402
from .training_util import (  # noqa: E402
    assert_global_step, create_global_step, get_global_step, get_or_create_global_step,
    global_step,
)

__all__ += [
    "Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
    "AdagradOptimizer", "RMSPropOptimizer", "AdadeltaOptimizer", "FtrlOptimizer",
    "ProximalGradientDescentOptimizer", "ProximalAdagradOptimizer", "ExponentialMovingAverage",
    "get_global_step", "create_global_step", "get_or_create_global_step", "assert_global_step",
    "global_step", "exponential_decay", "piecewise_constant", "polynomial_decay",
    "natural_exp_decay", "inverse_time_decay", "cosine_decay", "cosine_decay_restarts",
    "linear_cosine_decay", "noisy_linear_cosine_decay",
]

# The tf.train.Example protobufs.
from ..framework.example_protos import (  # noqa: E402
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List,
    SequenceExample,
)

__all__ += ["BytesList", "Example", "Feature", "FeatureList", "FeatureLists", "Features",
            "FloatList", "Int64List", "SequenceExample"]
# ---- queues and TF1 input pipelines (issue 15) ----------------------------------------
from . import queue_runner  # noqa: E402,F401 - tf.train.queue_runner
from .coordinator import Coordinator, LooperThread  # noqa: E402
from .input import (  # noqa: E402
    batch, batch_join, input_producer, limit_epochs, range_input_producer, shuffle_batch,
    shuffle_batch_join, slice_input_producer, string_input_producer,
)
from .queue_runner import QueueRunner, add_queue_runner, start_queue_runners  # noqa: E402

__all__ += [
    "Coordinator", "LooperThread", "QueueRunner", "add_queue_runner", "start_queue_runners",
    "batch", "batch_join", "input_producer", "limit_epochs", "range_input_producer",
    "shuffle_batch", "shuffle_batch_join", "slice_input_producer", "string_input_producer",
]
# ---- session run hooks and monitored sessions ----------------------------------------
from .basic_session_run_hooks import (  # noqa: E402
    CheckpointSaverHook, CheckpointSaverListener, FeedFnHook, FinalOpsHook,
    GlobalStepWaiterHook, LoggingTensorHook, NanLossDuringTrainingError, NanTensorHook,
    SecondOrStepTimer, StepCounterHook, StopAtStepHook, SummarySaverHook,
)
from .monitored_session import (  # noqa: E402
    ChiefSessionCreator, MonitoredSession, MonitoredTrainingSession, Scaffold, SessionCreator,
    SingularMonitoredSession, WorkerSessionCreator,
)
from .session_manager import SessionManager  # noqa: E402
from .session_run_hook import (  # noqa: E402
    SessionRunArgs, SessionRunContext, SessionRunHook, SessionRunValues,
)

piecewise_constant_decay = piecewise_constant  # TF1's other name of piecewise_constant

__all__ += [
    "SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues",
    "SecondOrStepTimer", "StopAtStepHook", "NanTensorHook", "NanLossDuringTrainingError",
    "LoggingTensorHook", "CheckpointSaverHook", "CheckpointSaverListener", "SummarySaverHook",
    "StepCounterHook", "FeedFnHook", "FinalOpsHook", "GlobalStepWaiterHook", "Scaffold",
    "SessionManager", "SessionCreator", "ChiefSessionCreator", "WorkerSessionCreator",
    "MonitoredSession", "SingularMonitoredSession", "MonitoredTrainingSession",
    "piecewise_constant_decay",
]
