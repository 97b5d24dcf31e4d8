"""Window tests (pytest-qt, offscreen): a package, so its conftest is ``ui.conftest``."""
