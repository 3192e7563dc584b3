"""Translation marker for workflow labels."""


def N_(s: str) -> str:
    """Mark a string for Babel extraction without translating it."""
    # Definitions are imported outside any request, so labels stay Danish msgids here;
    # the app translates them with gettext when it shows them.
    return s
