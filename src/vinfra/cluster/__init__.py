"""Cluster services over a design: vMotion (and later DRS and HA), as plain functions of a snapshot."""
