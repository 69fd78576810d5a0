"""Analyses: pure functions of a Snapshot that answer with rows of plain data."""
