"""reduction ops."""

__all__ = []
