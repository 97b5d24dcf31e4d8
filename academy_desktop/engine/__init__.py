"""Pure computation: page loading, alignment, mark reading and grading.

Nothing in this package imports Qt, a database or the network (see the
import-linter contracts in ``pyproject.toml``).
"""
