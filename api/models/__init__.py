"""Response models: what the API promises to return. Public models are separate classes, so a
field added for the Secretariat can never leak into the public register by accident."""
