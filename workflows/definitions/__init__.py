"""One module per workflow; each defines ``WORKFLOW``."""
