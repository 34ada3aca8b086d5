"""Renderers: an ``Assessment`` in, text for a person or a machine out."""

from trdkit.render.json import render_json
from trdkit.render.text import render_text

__all__ = ["render_json", "render_text"]
