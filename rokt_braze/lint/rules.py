"""The registry of static rules: each a function from a prepared webhook to findings.

Every finding is positioned in the webhook file and carries its field; none has a
profile. Rules that need meaning skip fields that do not parse (their syntax error is
already reported); text rules (`markup`, suppression comments) look at every field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rokt_braze.findings import Finding
from rokt_braze.lint.arrays import array_output
from rokt_braze.lint.base import Lint
from rokt_braze.lint.connected import connected_content
from rokt_braze.lint.json_strings import json_unescaped
from rokt_braze.lint.markup import curly_quotes, placeholder_credential
from rokt_braze.lint.names import braze_syntax, unknown_filter, unknown_tag
from rokt_braze.lint.suppress import suppression_comments
from rokt_braze.lint.variables import undefined_variable, unused_assign

Rule = Callable[[Lint], Iterator[Finding]]

RULE_FUNCTIONS: tuple[Rule, ...] = (
    curly_quotes,
    placeholder_credential,
    braze_syntax,
    unknown_tag,
    unknown_filter,
    undefined_variable,
    unused_assign,
    json_unescaped,
    array_output,
    connected_content,
    suppression_comments,
)
