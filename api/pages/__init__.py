"""The server-rendered pages: the Secretariat's dashboard, a member's and an audit firm's own
pages, the public register. Jinja2 templates, inline SVG charts, plain HTML forms (those that
give commands POST with the session's CSRF token)."""
