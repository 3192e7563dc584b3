"""ISO 20022 payment messages for the finance system: pain.001 out (payment order), pain.002 in (status report).

Pure functions of their inputs; the vendored schema lies next to them (README.md names source and licence).
"""
