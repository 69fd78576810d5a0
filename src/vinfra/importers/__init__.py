"""Importers: designs built from what an estate already has (switch configs, ESXi output, RVTools, cabling,
a live vCenter).

Each importer reads one kind of source and answers an :class:`~vinfra.importers.report.Imported`: a fragment
of a topology-v1 design as plain data, and a report that gives every line or object it met one of Batfish's
five support states. The importers sit beside the design-file loader at the bottom of the layers: they
produce design data, which then goes through the same model validation as a design file.
"""
