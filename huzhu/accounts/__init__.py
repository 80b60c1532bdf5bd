"""Users, sign-up with consent, passwords, API tokens."""
