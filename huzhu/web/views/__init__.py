"""Web views, one module per area. Views parse input with forms, reach group data only through the
access helpers, call one service and render; ``HuzhuError`` is rendered by ``huzhu.web.middleware``."""
