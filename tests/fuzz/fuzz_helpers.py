"""Shared pieces of the fuzz tests: the stock and hardened templates, and a CLI runner."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from rokt_braze.cli import main

STOCK = str(Path(__file__).resolve().parents[2] / "templates" / "rokt-create-event.webhook.yaml")
#: Seed and budget of the runs on the stock template (small, so the tests stay fast).
SEED = 20240521
EXAMPLES = 120

#: The stock create template, hardened: every interpolation json_escape'd, subscription ids
#: built as a real JSON array of the URL's account's subscriptions only, notifyBefore a
#: number as the Rokt reference types it, and abort_message for users without a
#: subscription, an account code or a user id (the fuzzer must find nothing wrong with it).
HARDENED = r"""
name: Rokt Calendar - add event (hardened)
target: rokt.create_event
url: "{% assign accountCode = {{custom_attribute.${rokt:account_code}}}[0] | split: '/' | first %}{% if accountCode == blank %}{% abort_message('no account code') %}{% endif %}https://api.roktcalendar.com/v1/subscriptionevent/{{accountCode}}"
method: POST
headers:
  Authorization: "Bearer {% connected_content https://api.roktcalendar.com/oauth2/token :method post :basic_auth Rokt-Calendar-API :body grant_type=client_credentials :save token :retry %}{{token.access_token}}"
  Content-Type: application/json
body: |-
  {% if custom_attribute.${rokt:subscription_id} == blank %}{% abort_message('no subscription') %}{% endif %}
  {% if ${user_id} == blank %}{% abort_message('no user id') %}{% endif %}
  {% capture eventId %}Event_0001{% endcapture %}
  {% capture eventTitle %}Event Title{% endcapture %}
  {% capture eventStart %}2019-02-21T15:00:00{% endcapture %}
  {% capture eventEnd %}2019-02-21T16:00:00{% endcapture %}
  {% capture eventTZ %}Eastern Standard Time{% endcapture %}
  {
    "event": {
      "eventId": "{{eventId | json_escape}}_{{${user_id} | json_escape}}",
      "title": "{{eventTitle | json_escape}}",
      "start": "{{eventStart | json_escape}}",
      "end": "{{eventEnd | json_escape}}",
      "timezone": "{{eventTZ | json_escape}}",
      "notifyBefore": 15
    },
    "subscriptionIds": [{% assign accountCode = {{custom_attribute.${rokt:account_code}}}[0] | split: '/' | first %}{% assign codes = custom_attribute.${rokt:account_code} %}{% assign sep = '' %}{% for id in custom_attribute.${rokt:subscription_id} %}{% assign code = codes[forloop.index0] | split: '/' | first %}{% if code == accountCode %}{{sep}}"{{id | json_escape}}"{% assign sep = ',' %}{% endif %}{% endfor %}]
  }
"""  # noqa: E501 - a webhook file keeps each template on one line


@dataclass
class Run:
    status: int
    out: str
    err: str


def run_cli(*argv: str) -> Run:
    """`rokt-braze ARGV` in-process, capturing stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit_:  # argparse usage errors
            status = int(exit_.code or 0)
    return Run(status, out.getvalue(), err.getvalue())
