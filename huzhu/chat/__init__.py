"""Group chat messages with per-group sequence numbers."""
