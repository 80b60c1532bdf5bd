"""Server-rendered htmx pages."""
