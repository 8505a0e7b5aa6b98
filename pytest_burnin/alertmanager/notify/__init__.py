"""Notification rendering: one module per receiver type, as Alertmanager's notify/*/ packages."""
