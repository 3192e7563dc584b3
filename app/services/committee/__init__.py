"""The committee: meetings and agendas, final decisions, decision letters, reminders."""
