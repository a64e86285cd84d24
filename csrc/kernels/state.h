/* Variable state ops. The fg_var is the step's `ptr`; out[0] aliases its buffer. */
#define FG_OPS_STATE(X) X(var_check) X(assign) X(assign_add) X(assign_sub) X(count_up_to)
