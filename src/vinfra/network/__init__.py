"""Derived network state: an Inventory plus failed elements, worked out lazily and once."""

from .snapshot import FailureError, Snapshot

__all__ = ["FailureError", "Snapshot"]
