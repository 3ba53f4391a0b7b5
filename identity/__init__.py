"""Who may use certflow: organisations (members, audit firms, the Secretariat), their users
with one role each, audit firms' accreditations, and API tokens that stand for a user."""
