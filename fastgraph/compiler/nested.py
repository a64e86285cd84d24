"""Sub-plans of control-flow steps: a loop's condition and body, a cond's
branches. Each is a Plan of its own, compiled for the concrete shapes of
the step's inputs; `fastgraph._native` lowers it to an fg_plan that the
step (csrc/kernels/control_flow.c) runs in C."""

__all__ = ["SubPlan", "Nested", "traced_plans"]


class SubPlan:
    """A compiled sub-plan and where its results go.

    plan: the Plan, fetching unique tensors; feed slot k is the step's k-th
    sub-plan input. variables[j]: the outer plan's index of plan.variables[j]
    (the sub-plan reads and writes the session's buffers). Result r is fetch
    `results[r]` of the plan: the first result of each plan output is
    written in place (out_dest[k] = r for output k), the others are copied
    from their value (result_copy[r], -1 when written in place).
    result_shapes[r]: the concrete shape of result r.
    """

    def __init__(self, plan, variables, results):
        self.plan = plan
        self.variables = list(variables)
        self.out_dest = [-1] * len(plan.outputs)
        self.result_copy = []
        self.result_shapes = []
        for r, f in enumerate(results):
            k = plan.fetch_output[f]
            value = plan.fetch_values[f]
            self.result_shapes.append(plan.values[value].shape)
            if k >= 0 and self.out_dest[k] < 0:
                self.out_dest[k] = r
                self.result_copy.append(-1)
            else:
                self.result_copy.append(value)

    def __repr__(self):
        return f"<SubPlan {self.plan!r}>"


class Nested:
    """The sub-plans of one control-flow step, as its lowering gave them:
    kind "loop" (subplans: condition, body) or "branch" (one per branch)."""

    __slots__ = ("kind", "subplans", "n_vars", "n_caps", "n_results")

    def __init__(self, kind, subplans, n_vars=0, n_caps=0, n_results=0):
        self.kind = kind
        self.subplans = list(subplans)
        self.n_vars = n_vars
        self.n_caps = n_caps
        self.n_results = n_results


def traced_plans(plan):
    """`plan` and the sub-plans of its control-flow steps, in the pre-order
    the C executor numbers them in a run's trace (fg_plan_set_trace): the
    plan, then per control-flow step in step order its sub-plans (a loop's
    condition, then its body; a cond's branches), each followed by its own."""
    out = [plan]
    for step in plan.steps:
        if step.nested is not None:
            for sub in step.nested.subplans:
                out.extend(traced_plans(sub.plan))
    return out
