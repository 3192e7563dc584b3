"""Associations: registration and approval, the board and its invitations, the public directory."""
