"""Server-rendered htmx pages.

Conventions for every page here (other apps' pages included):

- Templates extend ``web/base.html`` (blocks: title, body_class, extra_head, content, scripts).
  No inline ``<script>``, ``<style>``, ``style=""`` or ``on*=""``: the CSP forbids them. CSS goes
  in ``static/web/huzhu.css`` (or your own static file), behaviour in a static JS file.
- Views parse input with a form from ``huzhu.web.forms`` (``ServiceForm.add_service_error`` puts a
  service's error next to its field), reach a group only through ``huzhu.groups.access`` and call
  one service. A ``HuzhuError`` that escapes a view is rendered by ``huzhu.web.middleware`` with
  its status (an htmx request gets it in ``#flash``); a redirect answered to htmx becomes a page
  load.
- htmx requests carry the CSRF token from ``<meta name="csrf-token">`` (``static/web/huzhu.js``);
  use ``huzhu.web.middleware.is_htmx`` to return a fragment instead of a redirect.
- Every string is Chinese in the source, translated in ``huzhu/locale/en``.
"""
