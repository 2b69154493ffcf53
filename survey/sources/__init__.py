"""The external metadata sources: one module per service (pure parsing + a thin client)."""
