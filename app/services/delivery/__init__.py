"""Getting things out: the unit of work and its outbox, e-mail, notices, links, the letterhead."""
