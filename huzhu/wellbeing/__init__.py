"""Healthy use (健康使用): usage tracking, personal limits, quiet hours, digests, nudges, weekly
reports and group quiet hours.

Modules: ``models`` (rows), ``clock`` (local days and quiet-hour windows), ``gate`` (may a
notification be delivered now? — called by ``huzhu.notifications``), ``services`` (use cases),
``selectors`` (usage figures derived from aid and chat), ``nudges``, ``reports`` (weekly report),
``charts`` (server-side SVG), ``group_hours`` (group quiet hours for aid and chat), ``tasks``.
"""
