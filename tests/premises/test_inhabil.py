"""Forvaltningsloven § 3 on the municipality's cancellations: an inhabil caseworker is refused, nothing changes."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Booking, BookingCancellation, ConflictDeclaration, OutboxMessage
from app.services.cases import transitions
from app.services.cases.guard import NotAllowed
from app.services.premises import bookings
from tests.premises.test_bookings import _input


def test_inhabil_caseworker_cannot_cancel_the_booking(world, factory):
    colleague = factory.user(role="caseworker", email="jonas@kommune.dk")
    case = bookings.request_booking(world["member"], _input(world))
    transitions.perform(case.id, "approve", colleague)
    db.session.add(ConflictDeclaration(case_id=case.id, user_id=world["caseworker"].id, reason="Træner i klubben"))
    db.session.commit()
    booking = db.session.scalar(sa.select(Booking))
    with pytest.raises(NotAllowed) as refused:
        bookings.cancel_booking_by_municipality(booking.id, world["caseworker"], "Hallen skal males.")
    assert "inhabil" in str(refused.value.message)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BookingCancellation)) == 0
    assert db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.template == "booking_cancelled")) is None
