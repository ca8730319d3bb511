"""Using rokt-braze from Python: render a template, render a webhook, check a folder.

Run from the repository root: python examples/usage.py
"""

from pathlib import Path

import rokt_braze

HERE = Path(__file__).parent
SUBSCRIBER = HERE / "profiles" / "subscriber.yaml"

# One Braze Liquid template, one user (a mapping in Braze user-export shape).
greeting = rokt_braze.render_liquid(
    "Hi {{ ${first_name} | default: 'there' }}!", {"first_name": "Ada"}
)
print(greeting)

# A whole webhook, rendered into the request Braze would send.
request = rokt_braze.render_webhook(HERE / "concert-reminder.webhook.yaml", SUBSCRIBER)
print(request.method, request.url)

# abort_message is an exception you can catch.
try:
    rokt_braze.render_liquid("{% abort_message('not today') %}")
except rokt_braze.MessageAborted as abort:
    print("aborted:", abort.reason)

# Checking: findings with rule ids and positions in your files.
result = rokt_braze.check([HERE / "concert-reminder.webhook.yaml"])
for finding in result.findings:
    print(f"{finding.file}:{finding.line}:{finding.column} {finding.rule} {finding.message}")
print(result.summary())
