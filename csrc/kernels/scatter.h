/* Scatter updates (TF's Scatter*, ScatterNd* on variables, TensorScatter* on tensors).
 *   scatter_apply: in = [target, indices, updates], out = [target'], iattr = [mode, depth,
 *               var, scalar]: the target viewed as [prod(shape[:depth]), slice], indices as
 *               [n, depth]; each update slice (or the one scalar) is combined into the row
 *               its index tuple names, in index order (repeated indices combine in turn).
 *               var: out[0] is the variable s->ptr (checked initialized); else out[0] is a
 *               buffer of its own that first takes a copy of in[0].
 *   SCATTER_FIRST_DIM: TF's Scatter* (and BatchScatter) messages, "indices[i] = k is not
 *               in [0, n)"; otherwise TensorScatter*'s "does not index into shape". */
#ifndef FG_SCATTER_H
#define FG_SCATTER_H

enum { SCATTER_MODE, SCATTER_DEPTH, SCATTER_VAR, SCATTER_SCALAR, SCATTER_FIRST_DIM,
       SCATTER_WORDS };
/* The modes: the combining functions of TF's scatter_functor.h. */
enum { SCATTER_UPDATE, SCATTER_ADD, SCATTER_SUB, SCATTER_MUL, SCATTER_DIV, SCATTER_MIN,
       SCATTER_MAX };

#define FG_OPS_SCATTER(X) X(scatter_apply)

#endif
