#!/usr/bin/env python3
"""Malformed and random requests for idregd, to 127.0.0.1 only: --rdap N
HTTP requests (random bytes percent-encoded, raw bytes, deep paths, huge
query strings, odd methods, odd headers, mutated good queries, random
numbers) and --whois N WHOIS lines (random bytes, controls, long lines,
mutated good queries), each on its own connection with a short timeout,
from a fixed seed (--seed) so that a failure can be replayed.

Every RDAP request gets an answer, with the RDAP media type, a status
idregd gives (RDAP's own, or what its HTTP layer refuses: 413, 414, 431,
501, 505), the CORS header and an RFC 9083 body that validates against its
schema (an error body with errorCode = the status for a 4xx); a HEAD answer
has no body.  Every WHOIS reply must end in CRLF, have no bare LF, and
hold an answer or one "%ERROR:NNN: reason" line.  Error reasons that are
not printable ASCII (they quote the client's bytes) are counted.

Prints a summary, "key value" lines the shell test reads, then the first
problems; exits 1 if there were any.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import random
import re
import string
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpraw  # noqa: E402
import validate_rdap  # noqa: E402

RDAP_STATUSES = {200, 400, 404, 405, 413, 414, 422, 431, 501, 505}
GOOD_PATHS = ["ip/1.1.1.1", "ip/1.1.1.0/24", "ip/2001:200::/35", "ip/2001:200::1", "autnum/4608",
              "autnum/1", "help", "domain/example.com", "nameserver/ns1.example.com", "entity/ABC-1",
              "domains?name=exa*", "nameservers?ip=192.0.2.1", "entities?fn=Bob*", "ip/41.0.0.0/8",
              "ip/0.0.0.0/0", "ip/::/0", "autnum/4294967295"]
GOOD_WHOIS = ["1.1.1.1", "AS4608", "as1", "2001:200::/35", "41.0.0.0 - 41.255.255.255", "help",
              "example.com", "ABC-1", "AS64496-AS64511", "4608", "::", "0.0.0.0/0"]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "CONNECT", "get",
           "GET ", "G", "BREW", "PROPFIND", "X" * 300, "GE\tT", ""]


def pct(data):
    return "".join("%%%02X" % b for b in data)


def mutate(rng, text):
    s = list(text)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randint(0, len(s))
        if op < 0.3:
            s.insert(pos, rng.choice(string.printable[:94]))
        elif op < 0.5 and s:
            del s[min(pos, len(s) - 1)]
        elif op < 0.7 and s:
            s[min(pos, len(s) - 1)] = rng.choice("0123456789abcdef:./-*?&=%ASas ")
        elif op < 0.85:
            s.insert(pos, pct(bytes([rng.randrange(256)])))
        else:
            s.insert(pos, rng.choice(["/", "//", "/..", "%2F", "%00", "%", "%G1", "?", "#", "*", "**"]))
    return "".join(s)


def random_number_path(rng):
    kind = rng.randrange(4)
    if kind == 0:
        a = ".".join(str(rng.choice([rng.randrange(256), rng.randrange(1000), 0, 255])) for _ in range(4))
        return "ip/" + a + (("/" + str(rng.randrange(40))) if rng.random() < 0.5 else "")
    if kind == 1:
        groups = [format(rng.randrange(65536), "x") for _ in range(rng.randint(1, 8))]
        a = ":".join(groups) + ("::" if len(groups) < 8 else "")
        return "ip/" + a + (("/" + str(rng.randrange(140))) if rng.random() < 0.5 else "")
    if kind == 2:
        return "autnum/" + str(rng.choice([rng.randrange(2 ** 32), rng.randrange(2 ** 64), rng.randrange(100)]))
    return rng.choice(["ip/", "autnum/"]) + str(rng.randrange(10 ** rng.randint(1, 50)))


def rdap_request(rng, timeout):
    """(label, method, raw request bytes, timeout)"""
    kind = rng.randrange(10)
    method = "GET"
    headers = []
    body = b""
    if kind == 0:
        target = ("/" + pct(os.urandom(rng.randint(0, 120)))).encode()
        label = "percent-encoded random bytes"
    elif kind == 1:
        depth = rng.choice([rng.randint(2, 60), rng.randint(500, 3000)])
        target = ("/" + "/".join(rng.choice(["ip", "a", "..", ".", "", "1.1.1.1", "%2F", "x" * 9])
                                 for _ in range(depth))).encode()
        label = "deep path"
    elif kind == 2:
        if rng.random() < 0.02:
            # Hundreds of short arguments.
            args = ["k%d=v" % i for i in range(rng.randint(250, 600))]
            timeout = 1.5
        else:
            size = rng.choice([rng.randint(10, 2000), rng.randint(10000, 40000)])
            args = []
            while sum(map(len, args)) < size:
                args.append("%s=%s" % (pct(os.urandom(rng.randint(0, 6))) or "k", "v" * rng.randint(0, 500)))
        target = ("/" + rng.choice(GOOD_PATHS).split("?")[0] + "?" + "&".join(args)).encode()
        label = "huge query string"
    elif kind == 3:
        method = rng.choice(METHODS)
        target = ("/" + rng.choice(GOOD_PATHS + ["nope", "", "ip/bad"])).encode()
        if rng.random() < 0.3:
            body = os.urandom(rng.randint(1, 200))
        label = "odd method"
    elif kind == 4:
        target = ("/" + mutate(rng, rng.choice(GOOD_PATHS))).encode()
        label = "mutated query"
    elif kind == 5:
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 60)))
        target = b"/" + rng.choice([b"ip/", b"entity/", b"", b"domain/"]) + raw
        label = "raw bytes in the target"
    elif kind == 6:
        target = ("/" + rng.choice(GOOD_PATHS)).encode()
        choice = rng.randrange(6)
        if choice == 0:
            headers = ["X-H%d: %s" % (i, "v" * rng.randint(0, 40)) for i in range(rng.randint(50, 600))]
        elif choice == 1:
            headers = ["X-Big: " + "b" * rng.randint(1000, 30000)]
        elif choice == 2:
            headers = ["Content-Length: " + rng.choice(["-1", "abc", "99999999999999999999999", "5"])]
            body = b"hello"
        elif choice == 3:
            headers = ["Transfer-Encoding: chunked"]
            body = b"5\r\nhello\r\n0\r\n\r\n"
        elif choice == 4:
            headers = [pct(os.urandom(8)) + ": " + "x", "Host: " + "h" * rng.randint(0, 500)]
        else:
            headers = ["Accept: application/rdap+json", "Accept-Encoding: gzip, br", "Range: bytes=0-5"]
        label = "odd headers"
    elif kind == 7:
        target = ("/" + random_number_path(rng)).encode()
        label = "random numbers"
    elif kind == 8:
        method = "HEAD"
        target = ("/" + rng.choice([mutate(rng, rng.choice(GOOD_PATHS)), random_number_path(rng)])).encode()
        label = "HEAD"
    else:
        target = ("/" + rng.choice(GOOD_PATHS) + rng.choice(["%00", "%0a", "%0d%0a", "%1b[31m", "%7f", "\\", "%ff%fe",
                                                              "%C3%A9", "%E2%80%AE", "%F0%9F%92%A9", "%c0%af"])
                  + rng.choice(["", "x", "/", "?a=b"])).encode()
        label = "escapes"
    req = method.encode("latin-1") + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for h in headers:
        req += h.encode("latin-1") + b"\r\n"
    if body and not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        req += b"Content-Length: %d\r\n" % len(body)
    req += b"Connection: close\r\n\r\n" + body
    return label, method, req, timeout


def whois_line(rng):
    kind = rng.randrange(7)
    end = rng.choice([b"\r\n", b"\n", b"\r\n", b"", b"\r", b"\n\r\n"])
    if kind == 0:
        line = os.urandom(rng.randint(0, 80))
        label = "random bytes"
    elif kind == 1:
        line = mutate(rng, rng.choice(GOOD_WHOIS)).encode()
        label = "mutated query"
    elif kind == 2:
        line = bytes(rng.choice(b"\x00\x01\x07\x08\x09\x0b\x0c\x1b\x7f\xff ") for _ in range(rng.randint(1, 20)))
        label = "controls"
    elif kind == 3:
        line = rng.choice([b"a", b"1", b" ", b"%", b"\xc3\xa9"]) * rng.randint(250, 2500)
        label = "long line"
    elif kind == 4:
        line = b"\r\n".join(rng.choice(GOOD_WHOIS).encode() for _ in range(rng.randint(2, 5)))
        label = "several lines"
    elif kind == 5:
        line = random_number_path(rng).split("/", 1)[1].encode()
        label = "random numbers"
    else:
        line = rng.choice(GOOD_WHOIS).encode() + rng.choice([b"\x00junk", b" junk", b"\t", b"/", b"//", b"-", b"*"])
        label = "junk after a query"
    return label, line + end


ERROR_LINE = re.compile(rb"^%ERROR:(\d{3}): [^\r\n]*\r$", re.M)
ASCII_ERROR_LINE = re.compile(rb"^%ERROR:\d{3}: [ -~]*\r$", re.M)
ANSWER_LINE = re.compile(rb"^(inetnum|inet6num|aut-num): +\S", re.M)


class Checker:
    def __init__(self, schemas):
        self.validator = validate_rdap.Validator(schemas)
        self.counts = collections.Counter()
        self.problems = []

    def problem(self, what, request):
        self.counts["problems"] += 1
        if len(self.problems) < 25:
            self.problems.append("%s; request %r" % (what, request[:160]))

    def rdap(self, label, method, req, resp):
        self.counts["rdap"] += 1
        if resp.status == 0:
            self.problem("RDAP %s: no answer (%s)" % (label, resp.error or "closed"), req)
            return
        self.counts["rdap %d" % resp.status] += 1
        ctype = resp.header("content-type")
        if ctype != "application/rdap+json":
            self.problem("RDAP %s: status %d without the RDAP media type (%r)" % (label, resp.status, ctype), req)
            return
        if resp.status not in RDAP_STATUSES:
            self.problem("RDAP %s: status %d" % (label, resp.status), req)
        if resp.header("access-control-allow-origin") != "*":
            self.problem("RDAP %s: no Access-Control-Allow-Origin" % label, req)
        if resp.header_count("content-type") != 1:
            self.problem("RDAP %s: %d Content-Type headers" % (label, resp.header_count("content-type")), req)
        if method == "HEAD":
            if resp.body:
                self.problem("RDAP HEAD: a body of %d bytes" % len(resp.body), req)
            return
        if resp.error:
            self.problem("RDAP %s: %s" % (label, resp.error), req)
        try:
            doc = json.loads(resp.body)
        except (ValueError, UnicodeDecodeError) as e:
            self.problem("RDAP %s: status %d, body not JSON (%s): %r" % (label, resp.status, e, resp.body[:80]), req)
            return
        if resp.status >= 400:
            schema = "rdap_error.json"
            if any(isinstance(d, str) and re.search(r"[^ -~]", d) for d in doc.get("description", [])):
                self.counts["reason not printable ASCII: rdap"] += 1
            if doc.get("errorCode") != resp.status:
                self.problem("RDAP %s: errorCode %r for status %d" % (label, doc.get("errorCode"), resp.status), req)
        elif any(k in doc for k in validate_rdap.SEARCH_RESULTS):
            schema = validate_rdap.SEARCH
        else:
            schema = {"ip network": "rdap_ip_network.json", "autnum": "rdap_autnum.json",
                      "domain": "rdap_domain.json", "nameserver": "rdap_nameserver.json",
                      "entity": "rdap_entity.json"}.get(doc.get("objectClassName"), "rdap_help.json")
        problems = self.validator.errors(schema, doc)
        if problems:
            self.problem("RDAP %s: status %d, %s: %s" % (label, resp.status, schema, problems[0]), req)

    def whois(self, label, line, reply, err):
        self.counts["whois"] += 1
        errors = ERROR_LINE.findall(reply)
        answers = ANSWER_LINE.findall(reply)
        helped = b"% Queries" in reply
        if errors:
            self.counts["whois %%ERROR:%s" % errors[0].decode()] += 1
        elif answers:
            self.counts["whois answer"] += 1
        elif helped:
            self.counts["whois help"] += 1
        if not line:
            # nothing sent, then end of input: nothing to answer
            if reply:
                self.problem("WHOIS: a reply to an empty connection: %r" % reply[-80:], line)
            self.counts["whois nothing sent"] += 1
            return
        if not reply:
            self.problem("WHOIS %s: no reply (%s)" % (label, err or "closed"), line)
            return
        if not reply.endswith(b"\r\n") or re.search(rb"(?<!\r)\n", reply):
            self.problem("WHOIS %s: not CRLF line ends: %r" % (label, reply[-60:]), line)
        if len(errors) + (1 if answers else 0) + (1 if helped else 0) != 1:
            self.problem("WHOIS %s: not exactly one answer or %%ERROR line: %r" % (label, reply[-160:]), line)
        elif errors and int(errors[0]) not in (400, 404):
            self.problem("WHOIS %s: %%ERROR:%s" % (label, errors[0].decode()), line)
        elif errors and not ASCII_ERROR_LINE.search(reply):
            # The reason quotes the client's bytes: they should come back as
            # printable ASCII (harmless on a terminal), as the parser's do.
            self.counts["reason not printable ASCII: whois"] += 1
        if err:
            self.counts["whois socket: " + err.split(":")[0]] += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rdap-port", type=int, required=True)
    ap.add_argument("--whois-port", type=int, required=True)
    ap.add_argument("--rdap", type=int, default=10000)
    ap.add_argument("--whois", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=9083)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--schemas", default=validate_rdap.DEFAULT_SCHEMAS)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    # os.urandom would not replay: draw the random bytes from the seeded generator.
    os.urandom = lambda n: bytes(rng.randrange(256) for _ in range(n))
    checker = Checker(args.schemas)
    rdap_jobs = [rdap_request(rng, args.timeout) for _ in range(args.rdap)]
    whois_jobs = [whois_line(rng) for _ in range(args.whois)]
    started = time.monotonic()

    def do_rdap(job):
        label, method, req, timeout = job
        return job, httpraw.raw(args.rdap_port, req, method=method.encode("latin-1"), timeout=timeout)

    def do_whois(job):
        label, line = job
        return job, httpraw.whois(args.whois_port, line, timeout=args.timeout)

    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        for (label, method, req, _), resp in pool.map(do_rdap, rdap_jobs):
            checker.rdap(label, method, req, resp)
        rdap_done = time.monotonic()
        for (label, line), (reply, err) in pool.map(do_whois, whois_jobs):
            checker.whois(label, line, reply, err)
    done = time.monotonic()

    c = checker.counts
    print("rdap %d requests in %.1f s; whois %d queries in %.1f s; seed %d"
          % (c["rdap"], rdap_done - started, c["whois"], done - rdap_done, args.seed))
    for key in sorted(c):
        print("count %s: %d" % (key, c[key]))
    print("problems %d" % c["problems"])
    for p in checker.problems:
        print("PROBLEM " + p)
    return 1 if c["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
