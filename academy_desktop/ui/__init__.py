"""The Qt (PySide6) desktop interface: the only package that imports Qt.

Import :mod:`academy_desktop.ui.app` lazily; importing this package alone loads no Qt.
"""
