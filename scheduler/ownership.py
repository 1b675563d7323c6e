"""Which Lambda permission statements a catalogue owns: they cannot be tagged, so ownership is
proved by the statement's id and the rule it lets invoke the function. Pure; the AWS reader and
the in-memory fake of the ports both use it."""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.resources import Permission


@dataclass(frozen=True)
class StatementOwnership:
    """Which statements of a resource policy belong to the catalogue, so that plan may change or
    delete them. A statement id is a name anyone can pick, and one catalogue's prefix may start
    another's (`acme-` and `acme-ops-`), so the id alone proves nothing on a function the
    catalogue does not own: there a statement is owned only when it also lets one of the
    catalogue's own rules (owned by tags) invoke the function. On a function the catalogue owns,
    the prefix suffices, unless the statement names a rule that exists and is not the
    catalogue's (another catalogue's, or one made by hand).
    """

    prefix: str
    owned_functions: frozenset[str]
    owned_rules: frozenset[str]
    other_rules: frozenset[str]

    def owns(self, permission: Permission) -> bool:
        if not permission.statement_id.startswith(self.prefix):
            return False
        if permission.source_arn in self.owned_rules:
            return True
        return (
            permission.function in self.owned_functions
            and permission.source_arn not in self.other_rules
        )
