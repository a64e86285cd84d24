"""The compiler: from a run signature to a Plan of kernel calls over one arena.

Pure Python; `fastgraph._native` lowers its Plans to the C core.
"""

from .memory_plan import MemoryPlan, plan_memory
from .plan import Plan, compile_plan
from .steps import Step, Value

__all__ = ["MemoryPlan", "Plan", "Step", "Value", "compile_plan", "plan_memory"]
