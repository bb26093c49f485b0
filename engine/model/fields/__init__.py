"""Per-field evaluation metrics: one module per target format, each with ``score_pairs``."""
