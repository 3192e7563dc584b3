"""All models, imported here so Alembic and the app see the whole schema."""
from app.models.association import Association, AssociationApproval, Membership
from app.models.case import Case, CaseContactCpr, CaseEvent, CaseNumberCounter, ConflictDeclaration
from app.models.committee import Committee, CommitteeMember
from app.models.decision import Decision
from app.models.document import Document
from app.models.outbox import OutboxMessage
from app.models.legal_basis import LegalBasis
from app.models.pool import Pool, PoolCriterion
from app.models.user import ExternalIdentity, User
from app.models.single_sign_on import UsedLogoutToken
from app.models.assessment import Assessment, CriterionScore
from app.models.association import ApprovalRequest, AssociationConflict, AssociationEvent, RegisterChange
from app.models.invitation import Invitation
from app.models.admin_event import AdminEvent
from app.models.api_client import ApiCall, ApiClient, ApiToken
from app.models.webhook import ApiEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.models.form import FormField, FormStep, FormVersion
from app.models.pool import EligibilityQuestion, PoolRound
from app.models.settings import MunicipalitySettings
from app.models.premises import (AllocationRound, AllocationWish, Booking, BookingCancellation, BookingOccupancy,
                                 BookingRequest, CalendarFeed, Closure, Equipment, Location, OpeningHours,
                                 RequestSlot, Space)
from app.models.payout import (PaymentBatch, PaymentBatchLine, PaymentInstalment, PaymentStatusDifference,
                               PaymentStatusImport)
from app.models.report import CaseReport, RepaymentClaim
from app.models.listing import AssociationListing, ListingActivity
from app.models.meeting import AgendaItem, Meeting
from app.models.two_factor import RecoveryCode
from app.models.nemlogin import SamlAssertionId, SignInEvent
from app.models.read_log import ReadEvent
from app.models.approval import MoneyApproval
from app.models.yearly import AnnualReport, ReportingCampaign, SubsidyBatch, SubsidyBatchLine, SubsidyScheme

__all__ = [
    "Association", "AssociationApproval", "Case", "CaseContactCpr", "CaseEvent", "CaseNumberCounter", "Committee",
    "CommitteeMember", "ConflictDeclaration", "Decision", "Document", "Membership", "OutboxMessage", "Pool", "PoolCriterion", "User", "ExternalIdentity", "UsedLogoutToken", "LegalBasis", "SamlAssertionId", "SignInEvent",
    "ApprovalRequest", "AssociationConflict", "AssociationEvent", "RegisterChange", "Invitation",
    "AdminEvent", "ApiCall", "ApiClient", "ApiEvent", "ApiToken", "WebhookAttempt", "WebhookDelivery",
    "WebhookSubscription", "FormField", "FormStep", "FormVersion", "EligibilityQuestion", "PoolRound", "MunicipalitySettings",
    "Assessment", "CriterionScore",
    "AllocationRound", "AllocationWish", "Booking", "BookingCancellation", "BookingOccupancy", "BookingRequest",
    "CalendarFeed", "Closure", "Equipment", "Location", "OpeningHours", "RequestSlot", "Space",
    "PaymentBatch", "PaymentBatchLine", "PaymentInstalment", "PaymentStatusDifference", "PaymentStatusImport",
    "CaseReport", "RepaymentClaim",
    "AssociationListing", "ListingActivity",
    "AgendaItem", "Meeting",
    "RecoveryCode",
    "AnnualReport", "ReportingCampaign", "SubsidyBatch", "SubsidyBatchLine", "SubsidyScheme",
    "ReadEvent",
    "MoneyApproval",
]
