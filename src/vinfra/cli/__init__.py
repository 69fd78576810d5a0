"""The ``vinfra`` command."""
