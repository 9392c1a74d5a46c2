#!/usr/bin/env python3
"""A small but real MCP server for Cortana's tests: stdio (default) or streamable HTTP (--http PORT).

Tools: echo(text), env(), crash(), big(bytes), slow(seconds), touch(name), plus --tools N extra tools tool_1..tool_N.
--fail-start: print a reason on stderr and exit 1 before answering. --require-header 'Name: value' (HTTP): 401
without it. --marker X: ignored, lets a test find this process in /proc.
"""
import json
import os
import sys
import time

args = sys.argv[1:]


def option(name, default=None):
    if name in args:
        return args[args.index(name) + 1]
    return default


EXTRA = int(option("--tools", "0"))
LONG = option("--description", "")

TOOLS = [
    {"name": "echo", "description": "Echoes the text back" + LONG,
     "inputSchema": {"type": "object", "properties": {"text": {"type": "string", "description": "what to echo"}},
                     "required": ["text"]}},
    {"name": "env", "description": "Lists the server's environment variables",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "crash", "description": "Exits the server at once",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "big", "description": "Returns a long text",
     "inputSchema": {"type": "object", "properties": {"bytes": {"type": "integer"}}, "required": ["bytes"]}},
    {"name": "slow", "description": "Waits, then answers",
     "inputSchema": {"type": "object", "properties": {"seconds": {"type": "number"}}, "required": ["seconds"]}},
    {"name": "touch", "description": "Creates a file in the working folder",
     "inputSchema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}},
]
for i in range(1, EXTRA + 1):
    TOOLS.append({"name": "tool_%d" % i,
                  "description": "Looks up record number %d in the catalogue and returns its fields" % i,
                  "inputSchema": {"type": "object",
                                  "properties": {"id": {"type": "string", "description": "the record's id"},
                                                 "fields": {"type": "array", "items": {"type": "string"}}},
                                  "required": ["id"]}})


def text(value, error=False):
    return {"content": [{"type": "text", "text": value}], "isError": error}


def call(name, arguments):
    if name == "echo":
        return text(arguments.get("text", ""))
    if name == "env":
        return text("\n".join("%s=%s" % (k, v) for k, v in sorted(os.environ.items())))
    if name == "crash":
        sys.stderr.write("crashing on purpose\n")
        sys.stderr.flush()
        os._exit(3)
    if name == "big":
        return text("x" * int(arguments["bytes"]))
    if name == "slow":
        time.sleep(float(arguments["seconds"]))
        return text("done")
    if name == "touch":
        with open(arguments["name"], "w") as f:
            f.write("touched\n")
        return text("created " + arguments["name"])
    if name.startswith("tool_"):
        return text("record " + arguments.get("id", ""))
    return text("no such tool: " + name, True)


def handle(message):
    """The response to one JSON-RPC message, or None for a notification or a response."""
    if "method" not in message or "id" not in message:
        return None
    method = message["method"]
    params = message.get("params") or {}
    if method == "initialize":
        result = {"protocolVersion": params.get("protocolVersion", "2025-06-18"),
                  "capabilities": {"tools": {"listChanged": False}},
                  "serverInfo": {"name": "cortana-test-server", "version": "1.0"}}
    elif method == "tools/list":
        result = {"tools": TOOLS}
    elif method == "tools/call":
        result = call(params.get("name"), params.get("arguments") or {})
    elif method == "ping":
        result = {}
    else:
        return {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "no method " + method}}
    return {"jsonrpc": "2.0", "id": message["id"], "result": result}


def stdio():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        response = handle(json.loads(line))
        if response is not None:
            sys.stdout.write(json.dumps(response) + "\n")
            sys.stdout.flush()


def http(port):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    required = option("--require-header")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, body=None, headers=()):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.reply(405)

        def do_DELETE(self):
            self.reply(200)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"null")
            if required:
                name, value = required.split(":", 1)
                if self.headers.get(name.strip()) != value.strip():
                    self.reply(401, {"error": "missing or wrong " + name.strip()})
                    return
            messages = body if isinstance(body, list) else [body]
            responses = [r for r in (handle(m) for m in messages) if r is not None]
            if not responses:
                self.reply(202)
                return
            headers = [("Mcp-Session-Id", "test-session")] if any(
                m.get("method") == "initialize" for m in messages) else []
            self.reply(200, responses if isinstance(body, list) else responses[0], headers)

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if "--fail-start" in args:
    sys.stderr.write("cannot open the database: no such file\n")
    sys.exit(1)
if option("--http"):
    http(int(option("--http")))
else:
    stdio()
