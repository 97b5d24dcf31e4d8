"""Command-line entry points (``main.py`` and the ``academy-desktop`` script).

Nothing here imports Qt: ``main.py grade`` runs on machines without a display.
"""

from academy_desktop.cli.main import main

__all__ = ["main"]
