#!/usr/bin/env python3
"""Send a batch of RDAP requests to idregd and describe each answer as
tab-separated "id<TAB>key<TAB>value" lines, for the shell tests to compare
with what they computed from the data files.

Input (stdin), one request a line: "TARGET" (a GET) or "METHOD<TAB>TARGET".
TARGET is the path after the base URL, sent exactly as written (so it may
hold percent escapes and '?' arguments); "\\xNN" in it stands for the raw
byte NN.  The id of a request is its input line, with "METHOD TARGET" for
"METHOD<TAB>TARGET".

For each request the lines are:
  _status        the HTTP status (0: no answer; then _error says why)
  _content_type  Content-Type, _cors Access-Control-Allow-Origin,
  _retry_after   Retry-After (when sent), _allow Allow (when sent)
  _schema        the schema the body was checked against (from its
                 objectClassName, or rdap_error.json for a 4xx/5xx,
                 rdap_help.json for another 200 without one)
  _valid         "ok", or the first thing wrong with the body
  _bodylen       body length in bytes
  _ms            how long the answer took, in milliseconds
and then every member of the JSON body, flattened (validate_rdap.flatten).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpraw  # noqa: E402
import validate_rdap  # noqa: E402


def schema_for(status, doc):
    if status >= 400:
        return "rdap_error.json"
    if isinstance(doc, dict) and any(k in doc for k in validate_rdap.SEARCH_RESULTS):
        return validate_rdap.SEARCH
    cls = doc.get("objectClassName") if isinstance(doc, dict) else None
    return {"ip network": "rdap_ip_network.json", "autnum": "rdap_autnum.json",
            "entity": "rdap_entity.json", "domain": "rdap_domain.json",
            "nameserver": "rdap_nameserver.json", None: "rdap_help.json"}.get(cls, "unknown")


def decode_target(text):
    return text.encode("latin-1", "replace").decode("unicode_escape").encode("latin-1")


def describe(validator, ident, method, resp):
    out = [("_status", str(resp.status))]
    if resp.error:
        out.append(("_error", resp.error))
    for name, key in (("content-type", "_content_type"), ("access-control-allow-origin", "_cors"),
                      ("retry-after", "_retry_after"), ("allow", "_allow")):
        value = resp.header(name)
        if value is not None:
            out.append((key, value))
    out.append(("_bodylen", str(len(resp.body))))
    if method == "HEAD":
        out.append(("_valid", "ok" if not resp.body else "HEAD answer has a body"))
        return out
    try:
        doc = json.loads(resp.body)
    except (ValueError, UnicodeDecodeError) as e:
        out.append(("_valid", "not JSON: %s: %r" % (e, resp.body[:120])))
        return out
    schema = schema_for(resp.status, doc)
    out.append(("_schema", schema))
    problems = validator.errors(schema, doc)
    out.append(("_valid", "ok" if not problems else "%d problems; first: %s" % (len(problems), problems[0])))
    out.extend(validate_rdap.flatten(doc))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--schemas", default=validate_rdap.DEFAULT_SCHEMAS)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()
    validator = validate_rdap.Validator(args.schemas)
    for line in sys.stdin:
        line = line.rstrip("\n")
        method, sep, target = line.partition("\t")
        if not sep:
            if not line:
                continue
            method, target = "GET", line
        else:
            line = method + " " + target
        started = time.monotonic()
        resp = httpraw.request(args.port, method, b"/" + decode_target(target), timeout=args.timeout)
        print("%s\t_ms\t%d" % (line, (time.monotonic() - started) * 1000))
        for key, value in describe(validator, line, method, resp):
            print("%s\t%s\t%s" % (line, key, str(value).replace("\t", " ").replace("\n", " ")))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
