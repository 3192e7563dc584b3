"""The event feed's history: api_events for what the journals recorded before the feed existed (0340), or without it.

The live code records an event in the same commit as the change (app/services/integrations/events.py). What
happened before 0340 (and the yearly batches' decisions made before they were routed through the shared
transition journal) is only in the journals; this fills the feed from them, with each event's original
`occurred_at` and the subjects and data the live code writes:

- case.submitted: each `submit` transition in case_events;
- case.decided: each transition into a state tagged "decided" from one that is not (the tags as they are when
  this was written, copied below: a migration must mean the same thing whatever the workflows become), with
  the amount of the decision made by it (the case's first decision by then, not a later correction);
- booking.confirmed: each transition with the create_bookings effect, with the case's bookings it confirmed
  (confirmed now, or cancelled after it), when there are any;
- letter.issued: each decision whose letter was stored;
- payout.approved: each payout batch the second person approved.

Positions. Clients hold cursors (positions), so existing events keep theirs, and history is appended after
the highest position, in occurred_at order (ties: submitted, booking, decided, letter, payout, then journal
order). A client already past every existing event therefore receives the history next, as new events with
old occurred_at; nothing is placed below a cursor where it would be missed silently. On an empty feed this is
simply the journals in occurred_at order from position 1. Events without a position yet (committed but not
sequenced) get theirs after the history, as the sequencer does for anything it has not seen.

Idempotent: a journal entry that has its event already is left out. Letters and payouts are matched by their
own ids in the event's subjects. Transitions are matched by count per case and type: the live code writes an
event for every transition since 0340, so the existing events belong to a case's newest transitions, and only
its older ones (as many as are missing) are added. Running this again adds nothing.

No webhook deliveries: history is for readers of the feed; subscribers were not promised the past.
One INSERT ... SELECT, set-based, on SQLite and PostgreSQL (the JSON functions differ; nothing else does).

Revision ID: 0360
Revises: 0350
"""
from alembic import op
import sqlalchemy as sa

revision = "0360"
down_revision = "0350"
branch_labels = None
depends_on = None

# Copied from workflows/ when this was written (registry.has_tag(workflow, state, "decided"); the actions whose
# effects include create_bookings).
DECIDED = {
    "new_initiative": ("closed", "granted", "paid", "partly_granted", "rejected", "report_due", "reported"),
    "premises_loan": ("approved", "cancelled", "closed", "partly_approved", "rejected"),
    "subsidy": ("closed", "granted", "paid", "partly_granted", "rejected", "report_due", "reported"),
    "yearly_subsidy": ("closed", "granted", "rejected"),
}
CONFIRMS_BOOKINGS = {"premises_loan": ("approve", "auto_approve", "partly_approve")}

_SEQUENCER_LOCK = 0x5745_4248  # the live sequencer's pg_advisory_xact_lock key: no position is given twice


def _quoted(names) -> str:
    return ", ".join("'" + n.replace("'", "''") + "'" for n in names)


def _decided_clause() -> str:
    return " OR ".join(f"(c.workflow = '{w}' AND e.to_state IN ({_quoted(s)}) "
                       f"AND COALESCE(e.from_state, '') NOT IN ({_quoted(s)}))" for w, s in DECIDED.items())


def _booking_clause() -> str:
    return " OR ".join(f"(c.workflow = '{w}' AND e.action IN ({_quoted(a)}))" for w, a in CONFIRMS_BOOKINGS.items())


class _Json:
    """The few JSON expressions the statement needs, per dialect."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"
        self.obj = "json_build_object" if self.pg else "json_object"

    def int_at(self, column: str, key: str) -> str:
        return f"CAST(({column} ->> '{key}') AS INTEGER)" if self.pg else f"json_extract({column}, '$.{key}')"

    def array(self, value: str, where: str, order: str, distinct: bool = False) -> str:
        if self.pg:
            return f"(SELECT json_agg({'DISTINCT ' if distinct else ''}{value} ORDER BY {order}) FROM bookings b WHERE {where})"
        inner = f"SELECT {'DISTINCT ' if distinct else ''}{value} AS v FROM bookings b WHERE {where} ORDER BY {order}"
        return f"json((SELECT json_group_array(v) FROM ({inner})))"


def _missing(event_type: str) -> str:
    """Events of the type per case already there: the newest transitions that have theirs."""
    return (f"LEFT JOIN (SELECT case_id, COUNT(*) AS n FROM api_events WHERE type = '{event_type}' "
            f"GROUP BY case_id) x ON x.case_id = e.case_id WHERE e.rk > COALESCE(x.n, 0)")


def _transitions(where: str) -> str:
    """The matching transitions, each with its rank among the case's matching ones, newest first."""
    return (f"(SELECT e.id, e.case_id, e.action, e.to_state, e.created_at, "
            f"ROW_NUMBER() OVER (PARTITION BY e.case_id ORDER BY e.id DESC) AS rk "
            f"FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition' AND ({where})) e")


def history_sql(dialect: str) -> str:
    """The one INSERT ... SELECT that appends the missing history (exposed for the tests)."""
    j = _Json(dialect)
    case_subjects = f"{j.obj}('case_id', c.id, 'pool_id', c.pool_id, 'association_id', c.association_id)"
    amount = ("(SELECT d.amount FROM decisions d WHERE d.case_id = e.case_id AND d.corrects_id IS NULL "
              "AND d.decided_at <= e.created_at ORDER BY d.decided_at DESC, d.id DESC LIMIT 1)")
    confirmed = ("b.case_id = e.case_id AND (b.status = 'confirmed' OR (b.status = 'cancelled' AND EXISTS ("
                 "SELECT 1 FROM booking_cancellations bc WHERE bc.id = b.cancellation_id "
                 "AND bc.created_at >= e.created_at)))")
    null_case = "CAST(NULL AS INTEGER)"
    submitted = f"""
        SELECT 'case.submitted' AS type, 1 AS rnk, e.id AS source_id, e.case_id AS case_id, e.created_at AS occurred_at,
               {case_subjects} AS subjects,
               {j.obj}('number', c.number, 'workflow', c.workflow, 'state', e.to_state) AS data
        FROM {_transitions("e.action = 'submit'")} JOIN cases c ON c.id = e.case_id {_missing('case.submitted')}"""
    decided = f"""
        SELECT 'case.decided', 3, e.id, e.case_id, e.created_at, {case_subjects},
               {j.obj}('number', c.number, 'workflow', c.workflow, 'state', e.to_state, 'granted_amount', {amount})
        FROM {_transitions(_decided_clause())} JOIN cases c ON c.id = e.case_id {_missing('case.decided')}"""
    bookings = f"""
        SELECT 'booking.confirmed', 2, e.id, e.case_id, e.created_at,
               {j.obj}('case_id', e.case_id, 'booking_ids', {j.array('b.id', confirmed, 'b.starts_at, b.id')}),
               {j.obj}('space_ids', {j.array('b.space_id', confirmed, 'b.space_id', distinct=True)})
        FROM {_transitions(_booking_clause())} {_missing('booking.confirmed')}
          AND EXISTS (SELECT 1 FROM bookings b WHERE {confirmed})"""
    letters = f"""
        SELECT 'letter.issued', 4, d.id, d.case_id, COALESCE(d.letter_available_at, d.decided_at),
               {j.obj}('case_id', d.case_id, 'decision_id', d.id, 'document_id', d.letter_document_id), {j.obj}()
        FROM decisions d
        WHERE d.letter_document_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM api_events a WHERE a.type = 'letter.issued' AND a.case_id = d.case_id
          AND {j.int_at('a.subjects', 'decision_id')} = d.id)"""
    payouts = f"""
        SELECT 'payout.approved', 5, m.id, {null_case}, m.decided_at, {j.obj}('payout_batch_id', pb.id),
               {j.obj}('total_amount', pb.total_amount, 'line_count', pb.line_count)
        FROM money_approvals m JOIN payment_batches pb ON pb.id = m.batch_id
        WHERE m.kind = 'payout_batch' AND m.status = 'approved' AND m.decided_at IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM api_events a WHERE a.type = 'payout.approved' AND a.case_id IS NULL
          AND {j.int_at('a.subjects', 'payout_batch_id')} = pb.id)"""
    union = " UNION ALL ".join((submitted, decided, bookings, letters, payouts))
    return f"""
        INSERT INTO api_events (position, type, case_id, subjects, data, occurred_at)
        SELECT (SELECT COALESCE(MAX(position), 0) FROM api_events)
                 + ROW_NUMBER() OVER (ORDER BY h.occurred_at, h.rnk, h.source_id),
               h.type, h.case_id, h.subjects, h.data, h.occurred_at
        FROM ({union}) h"""


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEQUENCER_LOCK})
        # Fresh statistics first: with a table the planner believes small (loaded since autovacuum last looked),
        # the per-event decision lookup became a scan per row (100,000 decided cases: minutes instead of seconds).
        bind.execute(sa.text("ANALYZE cases, case_events, decisions, bookings, booking_cancellations, "
                             "money_approvals, payment_batches, api_events"))
    bind.execute(sa.text(history_sql(bind.dialect.name)))


def downgrade():
    # The history stays: clients may have read it and hold cursors past it, and upgrading again adds nothing twice.
    pass
