"""`lichthidua remind ...`: written by the reminders work."""
