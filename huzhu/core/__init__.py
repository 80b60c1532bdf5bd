"""Base pieces every app uses: typed user-facing errors, time helpers."""
