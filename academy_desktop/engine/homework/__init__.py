"""Homework analysis: videos and photos of written homework (engine, Qt-free)."""
