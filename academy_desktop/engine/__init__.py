"""Pure computation: page loading, alignment, mark reading and grading.

Nothing in this package imports Qt, a database or the network (see the
import-linter contracts in ``pyproject.toml``).
"""

# What a grading worker process imports while it waits for its first page (see workers.py).
WORKER_PRELOAD = ("academy_desktop.engine.pipeline", "academy_desktop.engine.grade")
