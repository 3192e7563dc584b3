"""Use cases. The only code that commits, once per use case, through `commit()`."""
from app.services.unit_of_work import commit

__all__ = ["commit"]
