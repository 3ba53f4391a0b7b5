"""The server-rendered dashboard: Jinja2 templates, plain GET forms, inline SVG charts."""
