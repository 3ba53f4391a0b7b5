"""Domain errors: every refusal names the rule that refused it."""


class DomainError(Exception):
    """A command refused by the domain; nothing is recorded."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message

    @property
    def kind(self) -> str:
        """RuleViolation or NotPermitted: how a refusal is told apart across processes."""
        return type(self).__name__


class RuleViolation(DomainError):
    """The command breaks a lifecycle rule (out of order, late, inconsistent data)."""


class NotPermitted(DomainError):
    """The actor's role or organisation may not give this command."""
