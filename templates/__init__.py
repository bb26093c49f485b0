"""Package data for renderers: document templates, themes, textures and font lists."""
