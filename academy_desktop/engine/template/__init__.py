"""Sheet layouts: the in-memory model and its readers (native JSON, OMRChecker, server)."""

from academy_desktop.engine.template.model import (
    Alignment,
    Block,
    Bubble,
    Field,
    Marker,
    Preprocess,
    Template,
)

__all__ = ["Alignment", "Block", "Bubble", "Field", "Marker", "Preprocess", "Template"]
