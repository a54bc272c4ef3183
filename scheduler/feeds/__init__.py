"""Feeds without HTTP: what a feed URL asks for (query), and the SEQUENCE/cancellation ledger
(revisions, kept in the database by revision_store) that makes a feed's changes visible to subscribers.
"""
