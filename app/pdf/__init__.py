"""Letters as pure functions: a small dataclass in, PDF/A-1b bytes out (reportlab)."""
