"""Tests of the association portal: registration, board, approvals, eligibility, attachments, replies."""
