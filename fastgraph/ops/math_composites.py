"""Composite math and nn ops built from existing ops (no kernels of their own)."""

__all__ = []
MATH = []
NN = []
