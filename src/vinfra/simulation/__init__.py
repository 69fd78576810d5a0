"""Simulation over time (``spec/scenario-v1.md``): a design played through a scenario on SimPy."""
