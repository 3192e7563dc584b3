"""People's accounts: sign-up and log-in, passwords, two-factor, signed tokens, own settings."""
