"""Reminders: planning (pure), the ledger, sending through channels, subscriptions, recipients, signed links."""
