"""Analyses of a Snapshot that answer questions as rows (reach, trace, failures, verify)."""
