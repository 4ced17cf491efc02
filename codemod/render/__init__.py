"""Renderers: the only stage that writes (diffs, patches, rewritten trees)."""
