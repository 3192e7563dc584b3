"""All models, imported here so Alembic and the app see the whole schema."""
from app.models.association import Association, AssociationApproval, Membership
from app.models.case import Case, CaseEvent, CaseNumberCounter, ConflictDeclaration
from app.models.committee import Committee, CommitteeMember
from app.models.decision import Decision
from app.models.document import Document
from app.models.outbox import OutboxMessage
from app.models.pool import Pool, PoolCriterion
from app.models.user import User

__all__ = [
    "Association", "AssociationApproval", "Case", "CaseEvent", "CaseNumberCounter", "Committee",
    "CommitteeMember", "ConflictDeclaration", "Decision", "Document", "Membership", "OutboxMessage", "Pool", "PoolCriterion", "User",
]
