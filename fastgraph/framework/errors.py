"""TensorFlow's exception classes, so that `except tf.errors.X:` code works."""

__all__ = [
    "OpError", "CancelledError", "UnknownError", "InvalidArgumentError", "NotFoundError",
    "ResourceExhaustedError", "FailedPreconditionError", "OutOfRangeError",
    "UnimplementedError", "InternalError", "exception_for_code",
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "NOT_FOUND", "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
    "DeadlineExceededError", "AlreadyExistsError", "PermissionDeniedError", "AbortedError",
    "UnavailableError", "DataLossError", "UnauthenticatedError",
    "DEADLINE_EXCEEDED", "ALREADY_EXISTS", "PERMISSION_DENIED", "ABORTED", "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED", "OperatorNotAllowedInGraphError",
]

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """The base class for errors raised while running an operation.

    `op` is the failing Operation when known, `message` the error text and
    `error_code` TF's numeric code.
    """

    def __init__(self, node_def, op, message, error_code=UNKNOWN):
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code

    @property
    def message(self):
        """The error message that describes the error."""
        return self._message

    @property
    def op(self):
        """The operation that failed, if known."""
        return self._op

    @property
    def node_def(self):
        """The failing op's definition (fastgraph has none: None)."""
        return self._node_def

    @property
    def error_code(self):
        """The integer error code that describes the error."""
        return self._error_code

    def __str__(self):
        if self._op is not None:
            return f"{self._message}\n\t [[{{{{node {self._op.name}}}}}]]"
        return self._message


def _make(name, code, doc):
    def __init__(self, node_def, op, message, *args):
        OpError.__init__(self, node_def, op, message, code)

    return type(name, (OpError,), {"__init__": __init__, "__doc__": doc})


CancelledError = _make("CancelledError", CANCELLED, "Raised when an operation is cancelled.")
UnknownError = _make("UnknownError", UNKNOWN, "Unknown error.")
InvalidArgumentError = _make(
    "InvalidArgumentError", INVALID_ARGUMENT,
    "Raised when an operation receives an invalid argument.")
NotFoundError = _make(
    "NotFoundError", NOT_FOUND, "Raised when a requested entity was not found.")
ResourceExhaustedError = _make(
    "ResourceExhaustedError", RESOURCE_EXHAUSTED, "Raised when some resource has been exhausted.")
FailedPreconditionError = _make(
    "FailedPreconditionError", FAILED_PRECONDITION,
    "Raised when some prerequisites are not met when running an operation.")
OutOfRangeError = _make(
    "OutOfRangeError", OUT_OF_RANGE, "Raised when an operation iterates past the valid range.")
UnimplementedError = _make(
    "UnimplementedError", UNIMPLEMENTED, "Raised when an operation has not been implemented.")
InternalError = _make(
    "InternalError", INTERNAL, "Raised when the system experiences an internal error.")

DeadlineExceededError = _make(
    "DeadlineExceededError", DEADLINE_EXCEEDED, "Raised when a deadline expires before an "
    "operation could complete.")
AlreadyExistsError = _make(
    "AlreadyExistsError", ALREADY_EXISTS, "Raised when an entity that we attempted to create "
    "already exists.")
PermissionDeniedError = _make(
    "PermissionDeniedError", PERMISSION_DENIED, "Raised when the caller does not have "
    "permission to run an operation.")
AbortedError = _make("AbortedError", ABORTED, "Raised when an operation was aborted, typically "
                     "due to a concurrent action.")
UnavailableError = _make("UnavailableError", UNAVAILABLE, "Raised when the runtime is "
                         "currently unavailable.")
DataLossError = _make("DataLossError", DATA_LOSS, "Raised when unrecoverable data loss or "
                      "corruption is encountered.")
UnauthenticatedError = _make("UnauthenticatedError", UNAUTHENTICATED, "The request does not "
                             "have valid authentication credentials.")

_BY_CODE = {
    CANCELLED: CancelledError, UNKNOWN: UnknownError, INVALID_ARGUMENT: InvalidArgumentError,
    DEADLINE_EXCEEDED: DeadlineExceededError, NOT_FOUND: NotFoundError,
    ALREADY_EXISTS: AlreadyExistsError, PERMISSION_DENIED: PermissionDeniedError,
    RESOURCE_EXHAUSTED: ResourceExhaustedError, FAILED_PRECONDITION: FailedPreconditionError,
    ABORTED: AbortedError, OUT_OF_RANGE: OutOfRangeError, UNIMPLEMENTED: UnimplementedError,
    INTERNAL: InternalError, UNAVAILABLE: UnavailableError, DATA_LOSS: DataLossError,
    UNAUTHENTICATED: UnauthenticatedError,
}


def exception_for_code(code, op, message):
    """The OpError subclass instance for a TF error code."""
    return _BY_CODE.get(code, UnknownError)(None, op, message)


class OperatorNotAllowedInGraphError(TypeError):
    """Raised when an unsupported operator is present in Graph execution:
    using a symbolic tensor as a Python `bool` (`if t:`)."""
