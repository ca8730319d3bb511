"""An audience run as text: the webhook's own findings in `check`'s layout, then per rule the
users affected and an example, the aborted users, colliding eventIds, malformed lines."""

from __future__ import annotations

from typing import TextIO

from rokt_braze.audience.summary import Summary
from rokt_braze.findings import Severity
from rokt_braze.report.text_format import line_of


def write(summary: Summary, out: TextIO, fail_on: Severity | None = None) -> None:
    for line in text_lines(summary):
        out.write(line + "\n")


def text_lines(summary: Summary) -> list[str]:
    lines = [line_of(f) for f in summary.webhook_findings()]
    if not summary.parses:
        lines.append("The webhook does not parse: no user was rendered.")
        return lines
    if lines:
        lines.append("")
    target = f" ({summary.target})" if summary.target else ""
    lines.append(f"{summary.webhook}{target} x {summary.profiles}: {summary.users:,} "
                 f"user{'s' if summary.users != 1 else ''}")
    if summary.rules:
        lines.append("")
        width = max(len(c.rule) for c in summary.rules.values()) + 10
        lines.append(f"{'rule':<{width}} {'users':>9} {'share':>7}  examples")
        for c in summary.sorted_rules():
            tag = "" if c.severity == Severity.ERROR else f" ({c.severity})"
            ids = ", ".join(e.user for e in c.examples)
            lines.append(f"{c.rule + tag:<{width}} {c.users:>9,} "
                         f"{_percent(summary.share(c.users)):>7}  {ids}")
            first = next((e for e in c.examples if e.message), None)
            if first is not None:
                at = f"{summary.webhook}:{first.position[0]}:{first.position[1]}" if (
                    first.position[0]) else summary.webhook
                lines.append(f"    {at}: {first.message} [{first.user}]")
    if summary.aborted_users:
        lines.append("")
        lines.append(f"Aborted (Braze sends nothing): {summary.aborted_users:,} users "
                     f"({_percent(summary.share(summary.aborted_users))})")
        groups, others = summary.abort_groups()
        for g in groups:
            ids = ", ".join(e.user for e in g.examples)
            lines.append(f"    {g.users:>9,}  {g.reason or 'abort_message called'}: {ids}")
        if others:
            lines.append(f"    {others:>9,}  (other reasons)")
    if summary.colliding_ids:
        tag = f" ({summary.collision_severity})" if summary.collision_severity else ""
        lines.append("")
        lines.append(f"Colliding eventIds{tag}: {summary.colliding_ids:,} eventId"
                     f"{'s' if summary.colliding_ids != 1 else ''} shared by "
                     f"{summary.colliding_users:,} users")
        for group in summary.collisions:
            ids = ", ".join(f"{e.user} ({e.source}:{e.line})" for e in group.examples)
            lines.append(f"    {group.users:>9,}  {group.event_id!r}: {ids}")
        if summary.colliding_ids > len(summary.collisions):
            lines.append(f"    ... and {summary.colliding_ids - len(summary.collisions):,} more "
                         "eventIds")
    if summary.malformed_count:
        lines.append("")
        lines.append(f"Malformed input: {summary.malformed_count:,} "
                     f"line{'s' if summary.malformed_count != 1 else ''} skipped")
        for source, number, column, message in summary.malformed:
            at = source + "".join(f":{n}" for n in (number, column) if n and number)
            lines.append(f"    {at}: {message}")
        if summary.malformed_count > len(summary.malformed):
            lines.append(f"    ... and {summary.malformed_count - len(summary.malformed):,} more")
    lines.append("")
    lines.append(closing_line(summary))
    return lines

def closing_line(summary: Summary) -> str:
    if not summary.users:
        return "No user could be checked: every line of the export was malformed."
    if not summary.users_with_findings and not summary.colliding_ids:
        return f"All {summary.users:,} users passed."
    line = (f"Problems for {summary.users_with_findings:,} of {summary.users:,} users "
            f"({_percent(summary.share(summary.users_with_findings))})")
    if summary.colliding_ids:
        line += f"; {summary.colliding_users:,} share their eventId with another user"
    return line + "."


def _percent(share: float) -> str:
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{share:.1%}"
