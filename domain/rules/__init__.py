"""The lifecycle rules, one module per area; `domain.decide` dispatches to them."""
