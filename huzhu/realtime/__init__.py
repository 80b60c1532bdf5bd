"""Typed realtime events, publish-after-commit and WebSocket delivery."""
