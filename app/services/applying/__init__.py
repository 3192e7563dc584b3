"""Applying for a grant: drafts, the form's rules, eligibility and the receipt."""
