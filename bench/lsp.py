"""Keystroke to diagnostics: how long `rokt-braze lsp` takes from a didChange to the
publishDiagnostics for that version, over stdio, as an editor sees it.

Run: python bench/lsp.py [--edits N] [--debounce SECONDS]

For each file — the stock templates (templates/) and a generated 2,000-line webhook —
a client (pygls's) starts the server, opens the file, then types N characters one by one
at the end of a line in the middle of the body (incremental changes; every version is
new text, so no parse is served from a cache) and times each until the diagnostics of
that version arrive. The server runs
with `--debounce 0` unless told otherwise, so the numbers are the check itself plus the
protocol; an editor adds the debounce (0.3 s by default) on top. Prints the median and
the 90th percentile per file, and the findings each check reported.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]


def big_webhook(lines: int = 2000) -> str:
    """A Rokt create webhook whose body is `lines` lines long: a description captured
    from many personalised lines, then the event."""
    stock = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
    head = stock[: stock.index("body: |-")]
    rows = []
    for n in range(lines - 16):
        rows.append(f"  Line {n}: {{{{${{first_name}} | default: 'friend' | upcase}}}}"
                    f"{{% if custom_attribute.${{rokt:optIn1}} contains 'True' %}} (opted in)"
                    f"{{% endif %}}")
    body = ["body: |-",
            "  {% capture description %}", *rows, "  {% endcapture %}",
            "  {",
            '    "event": {',
            '      "eventId": "Event_0001_{{${user_id} | json_escape}}",',
            '      "title": "A long one",',
            '      "description": "{{description | strip_newlines | json_escape}}",',
            '      "start": "2030-02-21T15:00:00",',
            '      "end": "2030-02-21T16:00:00",',
            '      "timezone": "Eastern Standard Time",',
            '      "notifyBefore": "15"',
            "    },",
            '    "subscriptionIds": {{custom_attribute.${rokt:subscription_id} | as_json_string}}',
            "  }"]
    return head + "\n".join(body) + "\n"


async def measure(path: Path, edits: int, debounce: float) -> tuple[list[float], int]:
    client = LanguageClient("bench", "1")
    arrived: dict[int, asyncio.Future[int]] = {}
    uri = path.as_uri()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        future = arrived.get(params.version or 0)
        if params.uri == uri and future is not None and not future.done():
            future.set_result(len(params.diagnostics))

    await client.start_io(sys.executable, "-m", "rokt_braze.cli", "lsp",
                          "--debounce", str(debounce))
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=path.parent.as_uri()))
    client.initialized(types.InitializedParams())
    text = path.read_text(encoding="utf-8")
    loop = asyncio.get_running_loop()
    arrived[1] = loop.create_future()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1,
                                             text=text)))
    findings = await asyncio.wait_for(arrived[1], 60)
    lines = text.split("\n")
    body = next(i for i, line in enumerate(lines) if line.startswith("body:"))
    line = (body + len(lines)) // 2
    column = len(lines[line])
    times = []
    for n in range(edits):
        version = n + 2
        start = end = types.Position(line=line, character=column + n)
        arrived[version] = loop.create_future()
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=start, end=end), text="abcdefghij"[n % 10])]))
        await asyncio.wait_for(arrived[version], 60)
        times.append(time.perf_counter() - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--debounce", type=float, default=0.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.webhook.yaml"
        big.write_text(big_webhook(), encoding="utf-8")
        files = [*sorted((ROOT / "templates").glob("*.webhook.yaml")), big]
        print(f"didChange -> publishDiagnostics, {args.edits} edits each, server debounce "
              f"{args.debounce} s")
        for path in files:
            times, findings = asyncio.run(measure(path, args.edits, args.debounce))
            size = len(path.read_text(encoding="utf-8").splitlines())
            ms = sorted(t * 1000 for t in times)
            p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
            print(f"  {path.name:34} {size:5} lines  median {statistics.median(ms):7.1f} ms  "
                  f"p90 {p90:7.1f} ms  ({findings} findings)")


if __name__ == "__main__":
    main()
