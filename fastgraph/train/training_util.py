"""The global step (TF's training_util): the int64 scalar variable that
counts training steps, found in the GLOBAL_STEP collection or by its name."""

from ..api.init_ops import zeros_initializer
from ..api.variable_scope import get_variable
from ..framework import dtypes
from ..framework.graph import GraphKeys, Tensor, get_default_graph
from ..ops.state_ops import Variable

__all__ = ["get_global_step", "create_global_step", "get_or_create_global_step",
           "assert_global_step", "global_step"]


def global_step(sess, global_step_tensor):
    """Small helper to get the global step.

    Args:
      sess: A TensorFlow `Session` object.
      global_step_tensor: `Tensor` or the `name` of the operation that
        contains the global step.

    Returns:
      The global step value.
    """
    return int(sess.run(global_step_tensor))


def get_global_step(graph=None):
    """Get the global step tensor.

    The global step tensor must be an integer variable. We first try to find
    it in the collection `GLOBAL_STEP`, or by name `global_step:0`.

    Args:
      graph: The graph to find the global step in. If missing, use default graph.

    Returns:
      The global step variable, or `None` if none was found.

    Raises:
      TypeError: If the global step tensor has a non-integer type, or if it is
        not a `Variable`.
    """
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) == 1:
        step = found[0]
    elif not found:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    else:
        return None  # TF logs "Multiple tensors in global_step collection."
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """Create global step tensor in graph.

    Args:
      graph: The graph in which to create the global step tensor. If missing,
        use default graph.

    Returns:
      Global step tensor.

    Raises:
      ValueError: if global step tensor is already defined.
    """
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return get_variable(GraphKeys.GLOBAL_STEP, shape=[], dtype=dtypes.int64,
                            initializer=zeros_initializer(), trainable=False,
                            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """Returns and create (if necessary) the global step tensor.

    Args:
      graph: The graph in which to create the global step tensor. If missing,
        use default graph.

    Returns:
      The global step tensor.
    """
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step


def assert_global_step(global_step_tensor):
    """Asserts `global_step_tensor` is a scalar int `Variable` or `Tensor`.

    Args:
      global_step_tensor: `Tensor` to test.
    """
    if not isinstance(global_step_tensor, (Variable, Tensor)):
        raise TypeError('Existing "global_step" must be a Variable or Tensor: %s.' %
                        global_step_tensor)
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: %s' %
                        global_step_tensor.dtype)
    if global_step_tensor.get_shape().ndims != 0 and \
            global_step_tensor.get_shape().is_fully_defined():
        raise TypeError('Existing "global_step" is not scalar: %s' %
                        global_step_tensor.get_shape())
