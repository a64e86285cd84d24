# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Lowering Plans to fg_plan structs, running them with the GIL released, and
the session-owned variable buffers."""

import threading

import numpy as np

cimport numpy as cnp
from libc.stdint cimport int32_t, int64_t
from libc.string cimport memcpy, memset, strlen

from ..framework import errors

cnp.import_array()


cdef extern from "fg.h" nogil:
    enum: FG_MAX_DIMS
    enum: FG_OP_COUNT
    ctypedef struct fg_status:
        int code
        int step
        char msg[512]
    ctypedef struct fg_value:
        void *data
        int32_t dtype
        int32_t ndim
        int64_t size
        int64_t shape[8]
    ctypedef struct fg_var:
        void *data
        int64_t nbytes
        int32_t dtype
        int32_t initialized
        char name[128]
    ctypedef struct fg_step:
        int32_t op
        int32_t n_in
        int32_t n_out
        int32_t n_iattr
        int32_t n_fattr
        fg_value **in_ "in"
        fg_value **out
        const int64_t *iattr
        const double *fattr
        void *ptr
        const char *name
    ctypedef struct fg_plan:
        int32_t n_values
        int32_t n_steps
        fg_value *values
        fg_step *steps
        fg_value **io
        int64_t *iattrs
        double *fattrs
        char *names
        void *arena
        int64_t arena_bytes
        int64_t runs
    fg_plan *fg_plan_create(int32_t n_values, int32_t n_steps, int64_t n_io, int64_t n_iattr,
                            int64_t n_fattr, int64_t names_bytes, int64_t arena_bytes)
    void fg_plan_free(fg_plan *p)
    int fg_plan_run(fg_plan *p, fg_status *st)
    int64_t fg_live_bytes()
    fg_var *fg_var_create(int32_t dtype, int64_t nbytes, const char *name)
    void fg_var_free(fg_var *v)
    const char *const fg_op_names[]


def kernel_names():
    """The names of the kernels in the C kernel table, in table order."""
    return [fg_op_names[i].decode() for i in range(FG_OP_COUNT)]


KERNEL_INDEX = {name: i for i, name in enumerate(kernel_names())}


def live_bytes():
    """Bytes currently held by arenas and variable buffers of every session."""
    return fg_live_bytes()


cdef class VariableBuffer:
    """One variable's storage in one session (an fg_var)."""

    cdef fg_var *var
    cdef readonly object dtype
    cdef readonly tuple shape

    def __cinit__(self, dtype, shape, name, zeroed_state=False):
        """`zeroed_state`: an op's state rather than a variable, so it
        starts zeroed and counts as initialized."""
        self.dtype = dtype
        self.shape = tuple(shape)
        nbytes = int(np.prod(self.shape, dtype=np.int64)) * dtype.size
        self.var = fg_var_create(dtype.code, nbytes, name.encode()[:127])
        if self.var == NULL:
            raise MemoryError(f"cannot allocate {nbytes} bytes for variable {name}")
        if zeroed_state:
            memset(self.var.data, 0, nbytes)
            self.var.initialized = 1

    @property
    def nbytes(self):
        """Bytes of the buffer."""
        return self.var.nbytes if self.var != NULL else 0

    @property
    def initialized(self):
        """Whether an initializer or assign has written the variable."""
        return self.var != NULL and self.var.initialized != 0

    def free(self):
        """Releases the buffer; the variable is gone from its session."""
        if self.var != NULL:
            fg_var_free(self.var)
            self.var = NULL

    def __dealloc__(self):
        if self.var != NULL:
            fg_var_free(self.var)


cdef void _set_shape(fg_value *v, tuple shape, object dtype):
    cdef int d
    v.dtype = dtype.code
    v.ndim = len(shape)
    v.size = 1
    for d in range(len(shape)):
        v.shape[d] = shape[d]
        v.size *= shape[d]


cdef class NativePlan:
    """A Plan lowered to an fg_plan: its arena is allocated here, once, and
    freed by `free()` (or when the object dies)."""

    cdef fg_plan *p
    cdef readonly object plan
    cdef list consts
    cdef list var_buffers
    cdef list feed_slots        # per feed: tuple of value indices to point at it
    cdef list fetch_index
    cdef list fetch_dtype
    cdef list fetch_shape
    cdef list fetch_nbytes
    cdef object lock

    def __cinit__(self, plan, variable_buffers):
        """`variable_buffers[j]` is the VariableBuffer of plan.variables[j]."""
        cdef int64_t n_io = 0, n_iattr = 0, n_fattr = 0, names_bytes = 0
        cdef int i, j
        cdef fg_value *v
        cdef fg_step *s
        self.plan = plan
        self.var_buffers = list(variable_buffers)
        self.lock = threading.Lock()
        steps = plan.steps
        names = [st.op.name.encode() for st in steps]
        for st, nm in zip(steps, names):
            n_io += len(st.inputs) + len(st.outputs)
            n_iattr += len(st.iattrs)
            n_fattr += len(st.fattrs)
            names_bytes += len(nm) + 1
        self.p = fg_plan_create(len(plan.values), len(steps), n_io, n_iattr, n_fattr,
                                names_bytes, plan.memory.arena_bytes)
        if self.p == NULL:
            raise MemoryError(f"cannot allocate a plan with a {plan.memory.arena_bytes}-byte arena")
        self.consts = [np.asarray(c, order="C") for c in plan.consts]
        cdef char *arena = <char *>self.p.arena
        offsets = plan.memory.offsets
        for i, val in enumerate(plan.values):
            v = &self.p.values[i]
            _set_shape(v, val.shape, val.dtype)
            if val.kind == "arena":
                v.data = arena + <int64_t>offsets[val.key]
            elif val.kind == "const":
                v.data = cnp.PyArray_DATA(self.consts[val.key])
            elif val.kind == "var":
                v.data = (<VariableBuffer>self.var_buffers[val.key]).var.data
            else:
                v.data = NULL
        cdef int64_t io = 0, ia = 0, fa = 0, nb = 0
        for i, st in enumerate(steps):
            s = &self.p.steps[i]
            kernel = KERNEL_INDEX.get(st.kernel)
            if kernel is None:
                raise KeyError(f"no C kernel named {st.kernel!r} (op {st.op.name})")
            s.op = kernel
            s.n_in = len(st.inputs)
            s.n_out = len(st.outputs)
            s.in_ = &self.p.io[io]
            for j in st.inputs:
                self.p.io[io] = &self.p.values[j]
                io += 1
            s.out = &self.p.io[io]
            for j in st.outputs:
                self.p.io[io] = &self.p.values[j]
                io += 1
            s.n_iattr = len(st.iattrs)
            s.iattr = &self.p.iattrs[ia]
            for j in range(s.n_iattr):
                self.p.iattrs[ia] = st.iattrs[j]
                ia += 1
            s.n_fattr = len(st.fattrs)
            s.fattr = &self.p.fattrs[fa]
            for j in range(s.n_fattr):
                self.p.fattrs[fa] = st.fattrs[j]
                fa += 1
            s.ptr = (<VariableBuffer>self.var_buffers[st.var]).var if st.var is not None else NULL
            nm = names[i]
            memcpy(&self.p.names[nb], <char *>nm, len(nm) + 1)
            s.name = &self.p.names[nb]
            nb += len(nm) + 1
        self.feed_slots = [tuple(idx) for _, idx in plan.feeds]
        self.fetch_index = list(plan.fetch_values)
        self.fetch_dtype = [plan.values[i].dtype.np_dtype for i in plan.fetch_values]
        self.fetch_shape = [plan.values[i].shape for i in plan.fetch_values]
        self.fetch_nbytes = [plan.values[i].nbytes for i in plan.fetch_values]

    @property
    def arena_bytes(self):
        """Bytes of this plan's arena (0 once freed)."""
        return self.p.arena_bytes if self.p != NULL else 0

    @property
    def runs(self):
        """How many times the C executor has run this plan to completion."""
        return self.p.runs if self.p != NULL else 0

    def kernels(self):
        """The C kernel of each step, as the executor will call them."""
        if self.p == NULL:
            return []
        return [fg_op_names[self.p.steps[i].op].decode() for i in range(self.p.n_steps)]

    def run(self, list feeds):
        """Runs the plan on `feeds` (contiguous arrays of the planned dtypes
        and shapes, one per feed slot); returns new arrays, one per fetch."""
        cdef fg_status st
        cdef int rc, k
        cdef void *ptr
        cdef cnp.ndarray arr
        if self.p == NULL:
            raise RuntimeError("Attempted to use a closed Session.")
        with self.lock:
            for k in range(len(feeds)):
                ptr = cnp.PyArray_DATA(<cnp.ndarray>feeds[k])
                for j in <tuple>self.feed_slots[k]:
                    self.p.values[<int>j].data = ptr
            with nogil:
                rc = fg_plan_run(self.p, &st)
            if rc != 0:
                op = self.plan.steps[st.step].op if st.step >= 0 else None
                raise errors.exception_for_code(rc, op, st.msg[:strlen(st.msg)].decode(
                    "utf-8", "replace"))
            outs = []
            for k in range(len(self.fetch_index)):
                arr = np.empty(self.fetch_shape[k], self.fetch_dtype[k])
                memcpy(cnp.PyArray_DATA(arr), self.p.values[<int>self.fetch_index[k]].data,
                       <size_t>self.fetch_nbytes[k])
                outs.append(arr)
            return outs

    def free(self):
        """Frees the arena and the plan's C structures."""
        if self.p != NULL:
            fg_plan_free(self.p)
            self.p = NULL
        self.consts = []
        self.var_buffers = []

    def __dealloc__(self):
        if self.p != NULL:
            fg_plan_free(self.p)
