"""The native boundary: Cython that lowers Plans to the C core and runs them."""
