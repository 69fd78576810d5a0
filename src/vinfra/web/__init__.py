"""The web client served at ``/`` by ``vinfra serve`` (issue 15): static ES modules under ``static/`` that use
only the server's REST API, plus :mod:`vinfra.web.api`, the few read-only views the client needs that the
inventory API does not answer (a host's networking diagram, the findings, the topology graph, a vMotion
pre-check)."""
