"""Renderers: turn results into text, JSON or CI annotations. They format; they never decide."""
