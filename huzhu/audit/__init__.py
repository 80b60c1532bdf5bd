"""Append-only audit log of every moderation, privacy and admin action."""
