"""Renderer plugins shipped with gotdata. Each is registered in pyproject's entry points."""
