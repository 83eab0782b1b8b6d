"""SMTP adapter for the Notifier port."""
