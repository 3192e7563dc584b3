"""Personal data: the read log, exports, retention and anonymisation, account deletion."""
