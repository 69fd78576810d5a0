"""Test configuration: ``tests/`` is on ``sys.path`` (pytest's prepend import mode puts a
rootless conftest's directory there), so test modules import ``_paths`` directly."""
