"""Notifications about hits that need an officer soon: a small port (`Notifier`) with log, webhook and
e-mail (SMTP) implementations, chosen by `settings.notifier`."""
