"""Paragraph features, the scikit-learn model, training, alignment and metrics (no page parsing here)."""
