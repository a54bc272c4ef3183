"""`lichthidua serve`: written by the web service work."""
