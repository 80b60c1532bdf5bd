"""Privacy: encrypted personal fields, privacy settings, relayed contact, consent, data rights.

What the app owns:

- ``crypto`` — AES-GCM field encryption with rotating keys (``HUZHU_FIELD_KEYS``), keyed blind
  indexes and masking;
- ``models`` / ``services`` — recovery phone, group-buy shipping addresses, privacy settings,
  per-group aliases, relayed contact requests, age confirmation, export jobs, account deletion;
- ``consent`` — re-consent when the privacy policy or terms change;
- ``export`` — the registry each app adds its ``export(user) -> dict`` to;
- ``ratelimit`` — API rate limits; ``ssrf`` — the guard for outbound requests;
- ``retention`` — purging what we promised not to keep.
"""
