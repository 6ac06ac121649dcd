"""The shipped default model (default.joblib) and its model card (default.json)."""
