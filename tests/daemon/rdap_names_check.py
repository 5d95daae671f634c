#!/usr/bin/env python3
"""The names part of idregd (domain/, nameserver/, entity/ and the RFC 9082
searches, RDAP and WHOIS) checked against what the domains files say, for
tests/daemon/test_rdap_names.sh.

The expectations come from the JSON Lines input files (docs/domains-format.md)
read here, never from idreg's output: names are mapped as UTS #46 maps them
(compatibility forms such as full width to plain ones, lower case, NFC;
A-labels from Python's RFC 3492 'punycode' codec, checked against the 'idna'
module when it is installed and against A-labels derived by hand), searches
are answered by a brute-force pass over every domain, host and entity of the
files, and the privacy policy (which fields anonymous clients do not see) is
applied to the contacts' "personal" lists.  An empty search may answer 404
or an empty array.

Requests go to 127.0.0.1 only, on one kept-alive connection (httpraw.py, a
connection each, for raw bytes); every RDAP body, and every element of a
search result (with the response's rdapConformance and notices), is
validated with validate_rdap.py.

  rdap_names_check.py --port P --whois-port W --phase PHASE --work DIR
                      [--schemas DIR] [--policy "fn email ..."] [--max N]
                      [--known-bugs FILE] INPUT.jsonl...

Phases: "redacted" (the default policy: lookups, searches, redaction, WHOIS),
"open" (privacy.redact empty: everything shown, nothing listed as redacted;
also evaluates the redaction paths the "redacted" phase kept in DIR against
the unredacted answers), "cap" (a small rdap.search_max_results: cut results
with the notice), "bigcap" (the largest rdap.search_max_results: a search
that matches more still answers).

Known daemon bugs (--known-bugs: "ID description" lines, this test's; and
--shared-known-bugs, tests/daemon/KNOWN_BUGS) are reported and do not fail;
for this test's own list, DIR/names-known-ledger records which were checked
and which showed, so that the test can fail for a listed bug no phase found
any more.  Prints "KNOWN BUG ID: ..." and "FAIL: ..." lines and a last line
"checks N"; exits 1 on any failure.
"""
import argparse
import collections
import http.client
import ipaddress
import json
import os
import re
import sys
import unicodedata
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpraw  # noqa: E402
import validate_rdap  # noqa: E402

try:
    import idna  # the IDNA 2008 / UTS #46 package, when installed
except ImportError:  # pragma: no cover
    idna = None

FIELDS = ["fn", "org", "email", "voice", "fax", "street", "locality", "region", "postal_code",
          "country"]
ADR_PARTS = ["street", "locality", "region", "postal_code", "country"]

# RFC 8056 section 2: EPP statuses (RFC 5731, RFC 3915) and their RDAP values.
EPP_TO_RDAP = {
    "ok": "active", "inactive": "inactive",
    "clientDeleteProhibited": "client delete prohibited", "clientHold": "client hold",
    "clientRenewProhibited": "client renew prohibited",
    "clientTransferProhibited": "client transfer prohibited",
    "clientUpdateProhibited": "client update prohibited",
    "pendingCreate": "pending create", "pendingDelete": "pending delete",
    "pendingRenew": "pending renew", "pendingTransfer": "pending transfer",
    "pendingUpdate": "pending update",
    "serverDeleteProhibited": "server delete prohibited", "serverHold": "server hold",
    "serverRenewProhibited": "server renew prohibited",
    "serverTransferProhibited": "server transfer prohibited",
    "serverUpdateProhibited": "server update prohibited",
    "addPeriod": "add period", "autoRenewPeriod": "auto renew period",
    "renewPeriod": "renew period", "transferPeriod": "transfer period",
    "redemptionPeriod": "redemption period", "pendingRestore": "pending restore",
}

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


# ---------------------------------------------------------------- reporting

def read_known(path):
    known = {}
    if path:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    ident, _, text = line.partition(" ")
                    known[ident] = text
    return known


class Report:
    def __init__(self, known_file, shared_known_file=None):
        self.checks = 0
        self.failures = []
        self.known = read_known(known_file)          # this test's list: kept true both ways
        self.shared_known = read_known(shared_known_file)  # the other daemon tests' list
        self.known_seen = collections.defaultdict(list)  # id -> what, when the bug showed
        self.known_checked = set()

    def ok(self, cond, what):
        self.checks += 1
        if not cond:
            self.failures.append(what)
        return cond

    def eq(self, actual, expected, what):
        return self.ok(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))

    def bug(self, ident, ok, what):
        """A check of a known daemon bug: ok is True when the behaviour is right."""
        self.checks += 1
        self.known_checked.add(ident)
        if ok:
            return True
        if ident in self.known or ident in self.shared_known:
            self.known_seen[ident].append(what)
        else:
            self.failures.append("%s (not listed as a known bug: %s)" % (what, ident))
        return False

    def finish(self, ledger):
        """Print the report; append "checked ID" and "seen ID" lines for this
        test's known bugs to @ledger, for the test to tell, once every phase
        has run, which of them no check found any more."""
        with open(ledger, "a", encoding="utf-8") as f:
            for ident in sorted(self.known_checked):
                f.write("checked %s\n" % ident)
                if self.known_seen.get(ident):
                    f.write("seen %s\n" % ident)
        for ident, whats in sorted(self.known_seen.items()):
            print("KNOWN BUG %s (%d cases), e.g.: %s" % (ident, len(whats), whats[0][:600]))
        for f in self.failures[:60]:
            print("FAIL: %s" % f[:1500])
        if len(self.failures) > 60:
            print("FAIL: ... and %d more" % (len(self.failures) - 60))
        print("checks %d" % self.checks)
        return 1 if self.failures else 0


# ---------------------------------------------------------------- names (UTS #46)

def map_text(text):
    """Text as UTS #46 maps the names and patterns used here: compatibility
    forms (full width) to their plain ones, lower case, NFC."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).lower())


def map_label(label):
    return map_text(label)


def label_to_ascii(label):
    label = map_label(label)
    if all(ord(c) < 128 for c in label):
        return label
    return "xn--" + label.encode("punycode").decode("ascii")


def label_to_unicode(label):
    label = map_label(label)
    if label.startswith("xn--"):
        return label[4:].encode("ascii").decode("punycode")
    return label


def strip_dot(name):
    return name[:-1] if name.endswith(".") else name


def to_ascii(name):
    out = ".".join(label_to_ascii(x) for x in strip_dot(map_text(name)).split("."))
    if idna is not None:  # cross-check with an independent UTS #46 implementation
        ref = idna.encode(strip_dot(name), uts46=True, transitional=False).decode("ascii").lower()
        if ref != out:
            raise SystemExit("test bug: A-label of %r: punycode gives %s, idna %s" % (name, out, ref))
    return out


def to_unicode(name):
    return ".".join(label_to_unicode(x) for x in strip_dot(map_text(name)).split("."))


def upper_form(uni, ldh):
    """The name in upper case, as a user might type it ("ß" has no upper case
    that maps back to it: such names are upper-cased in their A-label form)."""
    return ldh.upper() if "ß" in uni else uni.upper()


def is_mixed(name):
    labels = strip_dot(name).split(".")
    a = any(x.lower().startswith("xn--") for x in labels)
    u = any(any(ord(c) >= 128 for c in x) for x in labels)
    return a and u


def parent(name):
    return name.split(".", 1)[1] if "." in name else ""


def first_label(name):
    return name.split(".", 1)[0]


# ---------------------------------------------------------------- the model

def rdap_time(text):
    """The time as the registry keeps it: fractions dropped, upper-case T and Z."""
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?[Zz]$", text)
    if not m:
        raise SystemExit("test bug: time %r" % text)
    return "%sT%sZ" % (m.group(1), m.group(2))


class Model:
    def __init__(self, paths):
        self.domains = {}   # ldh -> dict
        self.hosts = {}     # ldh -> dict
        self.entities = {}  # handle.lower() -> dict
        self.written = {}   # ldh -> the name as the file wrote it
        for path in paths:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        self._domain(json.loads(line))
        self.domains_of_host = collections.defaultdict(set)
        for d in self.domains.values():
            for ns in d["ns"]:
                self.domains_of_host[ns].add(d["ldh"])

    def _domain(self, o):
        ldh = to_ascii(o["name"])
        d = {
            "ldh": ldh, "uni": to_unicode(o["name"]), "handle": o.get("handle"),
            "status": list(o.get("status", [])),
            "registered": rdap_time(o["registered"]) if "registered" in o else None,
            "expires": rdap_time(o["expires"]) if "expires" in o else None,
            "last_changed": rdap_time(o["last_changed"]) if "last_changed" in o else None,
            "ns": [], "ds": [], "contacts": [],
        }
        for ns in o.get("nameservers", []):
            h = to_ascii(ns["name"])
            d["ns"].append(h)
            host = self.hosts.setdefault(h, {"ldh": h, "uni": to_unicode(ns["name"]),
                                             "handle": None, "addrs": []})
            if "addresses" in ns or "handle" in ns:
                host["handle"] = ns.get("handle")
                host["addrs"] = [ipaddress.ip_address(a) for a in ns.get("addresses", [])]
        for ds in o.get("ds", []):
            d["ds"].append((ds["key_tag"], ds["algorithm"], ds["digest_type"], ds["digest"].upper()))
        for e in o.get("entities", []):
            d["contacts"].append((e["handle"], frozenset(e["roles"])))
            if "kind" in e:
                fields = {k: e[k] for k in FIELDS if k in e}
                if "country" in fields:
                    fields["country"] = fields["country"].upper()
                self.entities[e["handle"].lower()] = {
                    "handle": e["handle"], "kind": e["kind"], "fields": fields,
                    "personal": set(e.get("personal", [])),
                }
        self.domains[ldh] = d
        self.written[ldh] = o["name"]

    def entity(self, handle):
        return self.entities[handle.lower()]


# ---------------------------------------------------------------- searches by brute force

class Pattern:
    """An RFC 9082 name pattern as docs and lib/domains/domindex.h define it."""

    def __init__(self, text):
        self.exact = None
        self.suffix = None
        if "*" not in text:
            self.exact = to_ascii(text)
            return
        pre, post = text.split("*", 1)
        if post:
            self.suffix = to_ascii(post[1:])
        self.prefix = map_text(pre)

    def match(self, ldh, uni):
        if self.exact is not None:
            return ldh == self.exact
        if self.suffix is not None:
            return parent(ldh) == self.suffix and (
                first_label(ldh).startswith(self.prefix) or first_label(uni).startswith(self.prefix))
        return ldh.startswith(self.prefix) or uni.startswith(self.prefix)


def ascii_fold(s):
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)


def text_match(pattern, value):
    """Entities by fn or handle: "P*" or "P", ASCII case ignored, other bytes as they are."""
    if pattern.endswith("*"):
        return ascii_fold(value).startswith(ascii_fold(pattern[:-1]))
    return ascii_fold(value) == ascii_fold(pattern)


def expected_search(model, path):
    """(kind, set of keys) that a search should find."""
    kind, _, query = path.partition("?")
    key, _, value = query.partition("=")
    value = urllib.parse.unquote(value)
    if kind == "domains" and key == "name":
        p = Pattern(value)
        return "domain", {d["ldh"] for d in model.domains.values() if p.match(d["ldh"], d["uni"])}
    if kind == "domains" and key == "nsLdhName":
        p = Pattern(value)
        hosts = [h for h in model.hosts.values() if p.match(h["ldh"], h["uni"])]
        return "domain", set().union(*[model.domains_of_host[h["ldh"]] for h in hosts]) if hosts else set()
    if kind == "domains" and key == "nsIp":
        ip = ipaddress.ip_address(value)
        hosts = [h for h in model.hosts.values() if ip in h["addrs"]]
        return "domain", set().union(*[model.domains_of_host[h["ldh"]] for h in hosts]) if hosts else set()
    if kind == "nameservers" and key == "name":
        p = Pattern(value)
        return "nameserver", {h["ldh"] for h in model.hosts.values() if p.match(h["ldh"], h["uni"])}
    if kind == "nameservers" and key == "ip":
        ip = ipaddress.ip_address(value)
        return "nameserver", {h["ldh"] for h in model.hosts.values() if ip in h["addrs"]}
    if kind == "entities" and key == "fn":
        return "entity", {e["handle"] for e in model.entities.values()
                          if "fn" in e["fields"] and text_match(value, e["fields"]["fn"])}
    if kind == "entities" and key == "handle":
        return "entity", {e["handle"] for e in model.entities.values() if text_match(value, e["handle"])}
    raise SystemExit("test bug: search %s" % path)


# ---------------------------------------------------------------- a small JSONPath

PATH_TOKEN = re.compile(
    r"\.(?P<member>[A-Za-z_][A-Za-z0-9_]*)"
    r"|\[(?P<index>\d+)\]"
    r"|\[(?P<slice>-?\d*:-?\d*)\]"
    r"|\[\*\]"
    r"|\[\?\(@\[(?P<fi>\d+)\]==['\"](?P<fv>[^'\"]*)['\"]\)\]"
    r"|\[\?\(@\[(?P<pi>\d+)\]\.(?P<pm>[A-Za-z_]+)==['\"](?P<pv>[^'\"]*)['\"]\)\]"
    r"|\[\?\(@\.(?P<rm>[A-Za-z_]+)\[(?P<ri>\d+)\]==['\"](?P<rv>[^'\"]*)['\"]\)\]")


def jsonpath(doc, path):
    """The nodes @path selects in @doc, for the forms RDAP redaction paths use
    (RFC 9537 examples); None for a path this evaluator does not read."""
    if not path.startswith("$"):
        return None
    nodes = [doc]
    at = 1
    while at < len(path):
        m = PATH_TOKEN.match(path, at)
        if not m:
            return None
        at = m.end()
        out = []
        for n in nodes:
            if m.group("member") is not None:
                if isinstance(n, dict) and m.group("member") in n:
                    out.append(n[m.group("member")])
            elif m.group("index") is not None:
                i = int(m.group("index"))
                if isinstance(n, list) and i < len(n):
                    out.append(n[i])
            elif m.group("slice") is not None:
                if isinstance(n, list):
                    a, b = m.group("slice").split(":")
                    out.extend(n[slice(int(a) if a else None, int(b) if b else None)])
            elif m.group(0) == "[*]":
                if isinstance(n, list):
                    out.extend(n)
                elif isinstance(n, dict):
                    out.extend(n.values())
            elif m.group("fi") is not None:
                i, v = int(m.group("fi")), m.group("fv")
                out.extend(x for x in (n if isinstance(n, list) else [])
                           if isinstance(x, list) and len(x) > i and x[i] == v)
            elif m.group("pi") is not None:
                i, mem, v = int(m.group("pi")), m.group("pm"), m.group("pv")
                out.extend(x for x in (n if isinstance(n, list) else [])
                           if isinstance(x, list) and len(x) > i and isinstance(x[i], dict)
                           and x[i].get(mem) == v)
            else:
                mem, i, v = m.group("rm"), int(m.group("ri")), m.group("rv")
                out.extend(x for x in (n if isinstance(n, list) else [])
                           if isinstance(x, dict) and isinstance(x.get(mem), list)
                           and len(x[mem]) > i and x[mem][i] == v)
        nodes = out
    return nodes


# ---------------------------------------------------------------- expected objects

def withheld(entity, policy):
    return {f for f in entity["fields"] if f in entity["personal"] and f in policy}


def expected_vcard(entity, policy):
    """The jCard properties, as a sorted list of canonical texts (order aside)."""
    hidden = withheld(entity, policy)
    f = entity["fields"]
    shown = {k: v for k, v in f.items() if k not in hidden}
    props = [["version", {}, "text", "4.0"], ["fn", {}, "text", shown.get("fn", "")],
             ["kind", {}, "text", entity["kind"]]]
    if "org" in shown:
        props.append(["org", {}, "text", shown["org"]])
    if "email" in shown:
        props.append(["email", {}, "text", shown["email"]])
    for k in ("voice", "fax"):
        if k in shown:
            props.append(["tel", {"type": k}, "uri", tel_uri(shown[k])])
    if any(k in f for k in ADR_PARTS):
        street = "\n".join(shown["street"]) if "street" in shown else ""
        props.append(["adr", {}, "text", ["", "", street] +
                      [shown.get(k, "") for k in ("locality", "region", "postal_code", "country")]])
    return canonical(props)


def observed_vcard(obj):
    """The jCard properties of @obj as lists (street lines given as an array
    joined as the input gives them), or None when there is no jCard."""
    va = obj.get("vcardArray")
    if not (isinstance(va, list) and len(va) == 2 and va[0] == "vcard" and isinstance(va[1], list)):
        return None
    out = []
    for p in va[1]:
        p = list(p)
        if p and p[0] == "adr" and len(p) == 4 and isinstance(p[3], list) and len(p[3]) == 7 \
                and isinstance(p[3][2], list):
            p[3] = list(p[3])
            p[3][2] = "\n".join(p[3][2])  # street lines as an array: the same address
        out.append(p)
    return out


def canonical(props):
    return sorted(json.dumps(p, sort_keys=True, ensure_ascii=False) for p in props)


# RFC 3966 global numbers: "+", digits and visual separators, an extension as ";ext=".
TEL_URI = re.compile(r"^tel:\+[0-9().-]*[0-9][0-9().-]*(;ext=[0-9().-]*[0-9][0-9().-]*)?$")


def tel_uri(number):
    """The tel URI of a number as the domains format writes it ("+CC.NUMBER",
    spaces allowed, "x" before an extension)."""
    m = re.match(r"^(.*?)\s*x\s*([0-9]+)$", number)
    ext = None
    if m:
        number, ext = m.group(1), m.group(2)
    return "tel:" + number.replace(" ", "") + (";ext=" + ext if ext else "")


# Where a withheld field lives in the jCard, and the redaction method that fits.
FIELD_PROPERTY = {"fn": ("fn", "emptyValue"), "org": ("org", "removal"),
                  "email": ("email", "removal"), "voice": ("tel", "removal"),
                  "fax": ("tel", "removal")}
for _k in ADR_PARTS:
    FIELD_PROPERTY[_k] = ("adr", "emptyValue")


class Checker:
    def __init__(self, args, rep, model):
        self.args = args
        self.rep = rep
        self.model = model
        self.policy = set(args.policy.split())
        self.validator = validate_rdap.Validator(args.schemas)
        self.n_bodies = 0
        self.body_dir = os.path.join(args.work, "names-bodies-" + args.phase)
        os.makedirs(self.body_dir, exist_ok=True)
        self.redactions = []  # bodies with contacts, for the open phase
        self.conn = None
        self.validated = {}

    # ---- HTTP

    def get(self, target, what=None):
        """GET /target (target: text, sent percent-encoded as UTF-8 on a kept-alive
        connection, or bytes, sent as they are on a connection of their own);
        (status, body dict or None, response)."""
        if isinstance(target, bytes):
            resp = httpraw.request(self.args.port, "GET", b"/" + target, timeout=20.0)
        else:
            resp = self.keepalive("/" + quote_target(target).decode("ascii"))
        what = what or (target if isinstance(target, str) else target.decode("utf-8", "replace"))
        self.rep.ok(resp.status != 0, "%s: no answer (%s)" % (what, resp.error))
        self.rep.eq(resp.header("content-type"), "application/rdap+json", "%s: Content-Type" % what)
        self.rep.eq(resp.header("access-control-allow-origin"), "*", "%s: CORS header" % what)
        try:
            body = json.loads(resp.body)
        except ValueError as e:
            self.rep.ok(False, "%s: body is not JSON (%s): %r" % (what, e, resp.body[:200]))
            return resp.status, None, resp
        self.n_bodies += 1
        with open(os.path.join(self.body_dir, "%04d.json" % self.n_bodies), "wb") as f:
            f.write(resp.body)
        return resp.status, body, resp

    def keepalive(self, path):
        """One GET on the connection kept open (opened again when the server closed it)."""
        resp = httpraw.Response()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(httpraw.HOST, self.args.port, timeout=20.0)
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                resp.body = r.read()
                resp.status = r.status
                resp.headers = [(k.lower(), v) for k, v in r.getheaders()]
                if r.will_close:
                    self.conn.close()
                    self.conn = None
                return resp
            except (OSError, http.client.HTTPException) as e:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                resp.error = "%s: %s" % (type(e).__name__, e)
        return resp

    def validate(self, schema, doc, what):
        """Validate with validate_rdap; known daemon bugs are classified.  A
        document validated before (the same domain in several search answers)
        has the same problems again: they are remembered."""
        key = (schema, json.dumps(doc, sort_keys=True))
        problems = self.validated.get(key)
        if problems is None:
            try:
                problems = self.validator.errors(schema, doc)
            except Exception as e:  # the validator itself failed: say so, do not hide it
                problems = ["validate_rdap could not check it against %s: %s: %s"
                            % (schema, type(e).__name__, str(e)[:300])]
            self.validated[key] = problems
        body = json.dumps(doc, ensure_ascii=False)
        unknown = []
        for p in problems:
            if "'redacted' was unexpected" in p:
                self.rep.bug("SCHEMA_REDACTED_MEMBER", False,
                             "%s: %s against %s: %s (body %s)" % (what, schema, schema, p, body[:300]))
            elif re.search(r"/links/\d+/value: '[^']*' is not a 'uri'", p):
                self.rep.bug("LINK_VALUE_NOT_URI", False, "%s: %s" % (what, p))
            elif self._tel_problem(doc, p):
                self.rep.bug("TEL_URI_INVALID", False, "%s: %s" % (what, p[:400]))
            else:
                unknown.append(p)
        self.rep.ok(not unknown, "%s: fails %s: %s; body: %s" % (what, schema, "; ".join(unknown)[:800],
                                                                 body[:600]))

    def _tel_problem(self, doc, problem):
        m = re.match(r"^[a-z_.]+: (/[^:]*): ", problem)
        if not m:
            return False
        node = doc
        for part in m.group(1).strip("/").split("/"):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return False
        return isinstance(node, list) and node[:1] == ["tel"] and \
            isinstance(node[-1], str) and re.search(r"[ x()]", node[-1]) is not None

    def validate_body(self, status, body, schema, what):
        """@schema: the object's; None for a search answer, whose elements are
        validated each against its object schema, with the answer's
        rdapConformance and notices (an empty answer: those against rdap_help.json)."""
        if body is None:
            return
        if status >= 400:
            self.validate("rdap_error.json", body, what)
            return
        if schema is not None:
            self.validate(schema, body, what)
        elif not any(body.get(m) for m in ("domainSearchResults", "nameserverSearchResults",
                                           "entitySearchResults")):
            self.validate("rdap_help.json", {k: body[k] for k in ("rdapConformance", "notices") if k in body},
                          what + " (its rdapConformance and notices)")
        for member, element_schema in (("domainSearchResults", "rdap_domain.json"),
                                       ("nameserverSearchResults", "rdap_nameserver.json"),
                                       ("entitySearchResults", "rdap_entity.json")):
            for i, element in enumerate(body.get(member) or []):
                doc = dict(element)
                for top in ("rdapConformance", "notices"):
                    if top in body:
                        doc[top] = body[top]
                self.validate(element_schema, doc, "%s: %s[%d]" % (what, member, i))

    def self_link_checks(self, obj, kind, key, what):
        links = obj.get("links") or []
        selfs = [x for x in links if x.get("rel") == "self"]
        if self.rep.eq(len(selfs), 1, "%s: one self link" % what):
            href = selfs[0].get("href", "")
            self.rep.ok(href.endswith("/%s/%s" % (kind, key)),
                        "%s: self href %r should end in /%s/%s" % (what, href, kind, key))
            value = selfs[0].get("value", "")
            self.rep.bug("LINK_VALUE_NOT_URI", all(ord(c) < 128 and c != " " for c in value),
                         "%s: self link value %r is not a URI (RFC 3986: non-ASCII must be "
                         "percent-encoded)" % (what, value))

    # ---- objects

    def check_events(self, obj, expected, what):
        events = obj.get("events")
        if not self.rep.ok(isinstance(events, list), "%s: no events" % what):
            return
        got = collections.Counter((e.get("eventAction"), e.get("eventDate")) for e in events
                                  if e.get("eventAction") != "last update of RDAP database")
        self.rep.eq(dict(got), dict(collections.Counter(expected)), "%s: events" % what)
        upd = [e for e in events if e.get("eventAction") == "last update of RDAP database"]
        self.rep.ok(len(upd) == 1 and DATE_RE.match(upd[0].get("eventDate", "")),
                    "%s: one 'last update of RDAP database' event with a date: %r" % (what, upd))

    def check_changed_events(self, obj, what):
        """Hosts and entities: when the import changed them (the files do not
        say) and when the data was loaded."""
        changed = [e for e in obj.get("events") or [] if e.get("eventAction") == "last changed"]
        self.rep.ok(len(changed) == 1 and DATE_RE.match(changed[0].get("eventDate", "")),
                    "%s: one 'last changed' event with a date: %r" % (what, changed))
        self.check_events(obj, [(e.get("eventAction"), e.get("eventDate")) for e in changed], what)

    def check_nameserver(self, obj, host, full, what):
        rep = self.rep
        rep.eq(obj.get("objectClassName"), "nameserver", "%s: objectClassName" % what)
        rep.eq(obj.get("ldhName"), host["ldh"], "%s: ldhName" % what)
        rep.eq(obj.get("unicodeName"), host["uni"] if host["uni"] != host["ldh"] else None,
               "%s: unicodeName" % what)
        rep.eq(obj.get("handle"), host["handle"], "%s: handle" % what)
        if not full:
            return
        v4 = sorted(str(a) for a in host["addrs"] if a.version == 4)
        v6 = sorted(str(a) for a in host["addrs"] if a.version == 6)
        ips = obj.get("ipAddresses")
        if v4 or v6:
            got4 = sorted(str(ipaddress.ip_address(a)) for a in (ips or {}).get("v4", []))
            got6 = sorted(str(ipaddress.ip_address(a)) for a in (ips or {}).get("v6", []))
            rep.eq((got4, got6), (v4, v6), "%s: ipAddresses" % what)
        else:
            rep.ok(not ips or (not ips.get("v4") and not ips.get("v6")),
                   "%s: ipAddresses for a host without addresses: %r" % (what, ips))
        self.check_changed_events(obj, what)
        self.self_link_checks(obj, "nameserver", host["ldh"], what)

    def check_entity(self, obj, entity, roles, what):
        rep = self.rep
        rep.eq(obj.get("objectClassName"), "entity", "%s: objectClassName" % what)
        rep.eq(obj.get("handle"), entity["handle"], "%s: handle" % what)
        if roles is not None:
            rep.eq(sorted(obj.get("roles") or []), sorted(roles), "%s: roles" % what)
        props = observed_vcard(obj)
        if not rep.ok(props is not None, "%s: no jCard: %r" % (what, obj.get("vcardArray"))):
            return
        for p in props:
            if p[:1] == ["tel"] and len(p) == 4 and isinstance(p[3], str) and not TEL_URI.match(p[3]):
                self.rep.bug("TEL_URI_INVALID", False,
                             "%s: tel %r is not an RFC 3966 URI (from the number %r; expected %r)"
                             % (what, p[3], p[3][4:], tel_uri(p[3][4:])))
                p[3] = tel_uri(p[3][4:])  # compare the rest as if it were right
            elif p[:1] == ["tel"]:
                self.rep.bug("TEL_URI_INVALID", True, "%s: tel %r" % (what, p))
        rep.eq(canonical(props), expected_vcard(entity, self.policy),
               "%s: vcardArray (policy %s)" % (what, " ".join(sorted(self.policy)) or "none"))

    def check_domain(self, obj, d, what):
        rep = self.rep
        rep.eq(obj.get("objectClassName"), "domain", "%s: objectClassName" % what)
        rep.eq(obj.get("ldhName"), d["ldh"], "%s: ldhName" % what)
        rep.eq(obj.get("unicodeName"), d["uni"] if d["uni"] != d["ldh"] else None,
               "%s: unicodeName" % what)
        rep.eq(obj.get("handle"), d["handle"], "%s: handle" % what)
        status = obj.get("status")
        rep.ok(isinstance(status, list) and len(status) == len(set(status)),
               "%s: status is a list without repeats: %r" % (what, status))
        rep.eq(sorted(status or []), sorted(EPP_TO_RDAP[s] for s in d["status"]), "%s: status" % what)
        self.check_events(obj, [(a, d[k]) for a, k in (("registration", "registered"),
                                                       ("expiration", "expires"),
                                                       ("last changed", "last_changed")) if d[k]], what)
        ns = obj.get("nameservers") or []
        rep.eq(sorted(x.get("ldhName") for x in ns), sorted(d["ns"]), "%s: nameservers" % what)
        for x in ns:
            if x.get("ldhName") in self.model.hosts:
                self.check_nameserver(x, self.model.hosts[x["ldhName"]], False,
                                      "%s: nameserver %s" % (what, x.get("ldhName")))
        sec = obj.get("secureDNS")
        if rep.ok(isinstance(sec, dict), "%s: no secureDNS" % what):
            rep.eq(sec.get("delegationSigned"), bool(d["ds"]), "%s: secureDNS.delegationSigned" % what)
            got = sorted((x.get("keyTag"), x.get("algorithm"), x.get("digestType"), x.get("digest"))
                         for x in sec.get("dsData") or [])
            rep.eq(got, sorted(d["ds"]), "%s: secureDNS.dsData" % what)
        ents = obj.get("entities") or []
        rep.eq(sorted(e.get("handle") for e in ents),
               sorted(self.model.entity(h)["handle"] for h, _ in d["contacts"]), "%s: entities" % what)
        roles = {h.lower(): r for h, r in d["contacts"]}
        for e in ents:
            if (e.get("handle") or "").lower() in roles:
                self.check_entity(e, self.model.entity(e["handle"]), roles[e["handle"].lower()],
                                  "%s: entity %s" % (what, e["handle"]))
        self.self_link_checks(obj, "domain", d["ldh"], what)

    # ---- redaction (RFC 9537)

    def expected_withheld(self, body):
        """Every withheld field of every contact in @body: [(entity path, entity, field)]."""
        out = []

        def add(path, obj):
            h = obj.get("handle")
            if h and h.lower() in self.model.entities:
                e = self.model.entity(h)
                out.extend((path, e, f) for f in sorted(withheld(e, self.policy)))

        if body.get("objectClassName") == "entity":
            add("$", body)
        for i, e in enumerate(body.get("entities") or []):
            add("$.entities[%d]" % i, e)
        for k, obj in enumerate(body.get("domainSearchResults") or []):
            for i, e in enumerate(obj.get("entities") or []):
                add("$.domainSearchResults[%d].entities[%d]" % (k, i), e)
        for k, obj in enumerate(body.get("entitySearchResults") or []):
            add("$.entitySearchResults[%d]" % k, obj)
        return out

    def check_redaction(self, body, what):
        rep = self.rep
        expected = self.expected_withheld(body)
        red = body.get("redacted")
        conf = body.get("rdapConformance") or []
        if not expected:
            rep.ok(red is None, "%s: 'redacted' lists %r, but nothing is withheld" % (what, red))
            rep.ok("redacted" not in conf, "%s: 'redacted' in rdapConformance, nothing withheld" % what)
            return
        rep.ok("redacted" in conf, "%s: rdapConformance %r lacks 'redacted'" % (what, conf))
        if not rep.ok(isinstance(red, list), "%s: no 'redacted' array, but %d fields are withheld"
                      % (what, len(expected))):
            return
        want = collections.Counter()
        for path, e, f in expected:
            prop, method = FIELD_PROPERTY[f]
            want[(path, prop, method)] += 1
        got = collections.Counter()
        for r in red:
            path = r.get("prePath") or r.get("postPath") or ""
            rep.ok(isinstance(r.get("name"), dict) and (r["name"].get("type") or r["name"].get("description")),
                   "%s: redacted entry without a name: %r" % (what, r))
            rep.ok(r.get("method") in ("removal", "emptyValue", "partialValue", "replacementValue"),
                   "%s: redacted entry with method %r" % (what, r.get("method")))
            rep.ok(r.get("pathLang", "jsonpath") == "jsonpath", "%s: pathLang %r" % (what, r.get("pathLang")))
            if r.get("method") == "removal":
                rep.ok("prePath" in r and "postPath" not in r, "%s: removal should give prePath: %r" % (what, r))
            if r.get("method") == "emptyValue":
                rep.ok("postPath" in r, "%s: emptyValue should give postPath: %r" % (what, r))
            m = re.match(r"^(\$(?:\.(?:domain|entity)SearchResults\[\d+\])?(?:\.entities\[\d+\])?)"
                         r"\.vcardArray\[1\]\[\?\(@(?:\[0\]==['\"](\w+)['\"]|\[1\]\.type==['\"](voice|fax)['\"])\)\]",
                         path)
            if not rep.ok(m, "%s: redaction path %r names no entity's vCard property" % (what, path)):
                continue
            prop = m.group(2) or "tel"
            got[(m.group(1), prop, r.get("method"))] += 1
        rep.eq(dict(got), dict(want), "%s: what 'redacted' lists (entity path, vCard property, method)"
               % what)
        self.redactions.append(body)

    def check_redaction_paths(self, redacted_body, open_body, what):
        """RFC 9537: a removal's prePath selects, in the unredacted answer, the
        property removed; an emptyValue's postPath selects, in the answer sent,
        the value emptied."""
        for r in redacted_body.get("redacted") or []:
            if r.get("method") == "removal" and "prePath" in r:
                pre = jsonpath(open_body, r["prePath"])
                post = jsonpath(redacted_body, r["prePath"])
                ok = pre is not None and len(pre) == 1 and post == []
                self.rep.bug("REDACTION_PATH_IMPRECISE", ok,
                             "%s: removal prePath %r selects %d node(s) in the unredacted answer "
                             "(%s) and %s in the redacted one; expected exactly the removed "
                             "property, and nothing after removal"
                             % (what, r["prePath"], len(pre or []), json.dumps(pre, ensure_ascii=False)[:200],
                                json.dumps(post, ensure_ascii=False)[:200]))
            elif r.get("method") == "emptyValue" and "postPath" in r:
                post = jsonpath(redacted_body, r["postPath"])
                ok = post is not None and len(post) >= 1 and all(x == "" for x in post)
                self.rep.bug("REDACTION_PATH_IMPRECISE", ok,
                             "%s: emptyValue postPath %r selects %s; expected the emptied "
                             "value(s) only, e.g. ...[?(@[0]=='fn')][3] or ...[?(@[0]=='adr')][3][2]"
                             % (what, r["postPath"], json.dumps(post, ensure_ascii=False)[:200]))

    # ---- WHOIS

    def whois(self, query):
        data, err = httpraw.whois(self.args.whois_port, query.encode("utf-8") + b"\r\n", timeout=20.0)
        self.rep.ok(not err, "whois %s: %s" % (query, err))
        text = data.decode("utf-8", "replace")
        self.rep.ok(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""),
                    "whois %s: CRLF line ends" % query)
        return text.replace("\r\n", "\n")

    def check_whois_domain(self, query, d):
        rep = self.rep
        text = self.whois(query)
        what = "whois %s" % query
        blocks = [b for b in text.split("\n\n") if b.strip() and not b.lstrip().startswith("%")]
        if not rep.ok(blocks and blocks[0].startswith("domain:"), "%s: no domain block: %r" % (what, text[:400])):
            return
        lines = []
        for x in blocks[0].splitlines():
            k, _, v = x.partition(" ")
            lines.append((k, v.strip()))
        want = [("domain:", d["ldh"])]
        if d["uni"] != d["ldh"]:
            want.append(("domain-unicode:", d["uni"]))
        if d["handle"]:
            want.append(("handle:", d["handle"]))
        want += [("status:", s) for s in d["status"]]
        want += [("nserver:", h) for h in d["ns"]]
        want += [("ds-rdata:", "%d %d %d %s" % x) for x in d["ds"]]
        for k, key in (("created:", "registered"), ("expires:", "expires"), ("last-modified:", "last_changed")):
            if d[key]:
                want.append((k, d[key]))
        for h, roles in d["contacts"]:
            want += [(r + ":", self.model.entity(h)["handle"]) for r in roles]
        rep.eq(sorted(lines), sorted(want), "%s: domain lines" % what)
        keys = {"fn": "name:", "org": "org:", "email": "e-mail:", "voice": "phone:", "fax": "fax-no:",
                "street": "address:", "locality": "city:", "region": "state:",
                "postal_code": "postal-code:", "country": "country:"}
        ent_blocks = {}
        for b in blocks[1:]:
            first = b.splitlines()[0]
            if first.startswith("handle:"):
                ent_blocks[first.split(None, 1)[1]] = b
        for h, _ in d["contacts"]:
            e = self.model.entity(h)
            b = ent_blocks.get(e["handle"])
            if not rep.ok(b is not None, "%s: no block for contact %s" % (what, h)):
                continue
            hidden = withheld(e, self.policy)
            want = [("handle:", e["handle"])]
            for f, v in e["fields"].items():
                if f in hidden:
                    continue
                for part in (v if isinstance(v, list) else [v]):
                    want.append((keys[f], part))
            got = []
            note = False
            for x in b.splitlines():
                if x.startswith("%"):
                    note |= "withheld" in x
                    continue
                k, _, v = x.partition(" ")
                got.append((k, v.strip()))
            rep.eq(sorted(got), sorted(want), "%s: contact %s lines (withheld: %s)"
                   % (what, h, " ".join(sorted(hidden)) or "none"))
            rep.eq(note, bool(hidden), "%s: contact %s: the note that personal data is withheld" % (what, h))


def quote_target(target):
    path, q, query = target.partition("?")
    out = urllib.parse.quote(path, safe="/:")
    if q:
        key, _, value = query.partition("=")
        out += "?" + key + "=" + urllib.parse.quote(value, safe="*:")
    return out.encode("ascii")


# ---------------------------------------------------------------- phases

# Searches: every one is answered by brute force over the input files.
SEARCHES = [
    # domains by name: ASCII and Unicode prefixes, case, suffixes in either form
    "domains?name=ka*", "domains?name=kalo*", "domains?name=KALO*", "domains?name=xn--*",
    "domains?name=bü*", "domains?name=BÜ*", "domains?name=stra*", "domains?name=中*",
    "domains?name=中国网*", "domains?name=ка*", "domains?name=*.tst", "domains?name=m*.tst",
    "domains?name=xn--*.tst", "domains?name=*.中国", "domains?name=*.xn--fiqs8s",
    "domains?name=中*.中国", "domains?name=ex*.tst", "domains?name=*.рф", "domains?name=ка*.рф",
    "domains?name=example-shop.tst", "domains?name=EXAMPLE-SHOP.TST", "domains?name=bücher.tst",
    "domains?name=xn--bcher-kva.tst", "domains?name=nothing-here*", "domains?name=*.nothing",
    "domains?name=ｋａｌｏ*", "domains?name=*.TST", "domains?name=EX*.ｔｓｔ", "domains?name=BÜCHER.TST",
    # domains by nameserver name and address
    "domains?nsLdhName=ns.hoster-names.tst", "domains?nsLdhName=ns1.hoster1*",
    "domains?nsLdhName=ns1.中国网络.tst", "domains?nsLdhName=ns1.xn--fiqs8s5y8amna.tst",
    "domains?nsLdhName=ns*.example-shop.tst", "domains?nsLdhName=ns2.hoster3.net",
    "domains?nsLdhName=ns.müller*",
    "domains?nsIp=198.51.100.7", "domains?nsIp=2001:db8:100::7", "domains?nsIp=2001:DB8:100:0:0:0:0:7",
    "domains?nsIp=192.0.2.1", "domains?nsIp=198.18.0.6", "domains?nsIp=2001:db8:ffff:6::1",
    "domains?nsIp=192.0.2.99",
    # nameservers
    "nameservers?name=ns1.*", "nameservers?name=NS1.*", "nameservers?name=ns*.example-shop.tst", "nameservers?name=*.hoster-names.tst",
    "nameservers?name=ns1.中*", "nameservers?name=ns.müller-bäckerei.tst", "nameservers?name=ns3.hoster*",
    "nameservers?ip=192.0.2.1", "nameservers?ip=2001:db8::1", "nameservers?ip=2001:db8:beef::1",
    "nameservers?ip=198.18.0.7", "nameservers?ip=203.0.113.1",
    # entities
    "entities?fn=Anna*", "entities?fn=anna*", "entities?fn=Jürgen*", "entities?fn=JÜRGEN*",
    "entities?fn=Max Mustermann", "entities?fn=max mustermann", "entities?fn=Registrar 1*",
    "entities?fn=王*", "entities?fn=Abuse desk*",
    "entities?handle=PERS-*", "entities?handle=pers-cn", "entities?handle=NM-MIXED-7",
    "entities?handle=C1*", "entities?handle=T1*", "entities?handle=R*", "entities?handle=nobody*",
]

# Patterns the daemon must refuse: (status, path).
REFUSED = [
    (422, "domains?name=a*b.tst"), (422, "domains?name=**"), (422, "domains?name=x.*.tst"),
    (422, "domains?name=*x"), (422, "domains?name=a*.b*.tst"), (422, "entities?fn=*x"),
    (422, "entities?handle=A*B"), (422, "entities?fn=**"), (422, "nameservers?name=*ns"),
    (422, "domains?foo=bar"), (422, "nameservers?nsIp=192.0.2.1"), (422, "entities?name=x"),
    (400, "domains?name=bü*.xn--fiqs8s"), (400, "domains?name=xn--bcher-kva.中国"),
    (400, "domains?nsIp=192.0.2"), (400, "nameservers?ip=not-an-ip"),
]


def gen_sample(model, known_names):
    """Domains of the generated file to look up: every 100th, and the first ten
    internationalized ones written each way."""
    gen = [ldh for ldh in model.domains if ldh not in known_names]
    gen.sort(key=lambda x: int(re.sub(r"\D", "", model.domains[x]["handle"] or "0") or 0))
    out = gen[::100]
    idn_a = [x for x in gen if model.written[x].lower().startswith("xn--")][:10]
    idn_u = [x for x in gen if any(ord(c) > 127 for c in model.written[x])][:10]
    return list(dict.fromkeys(out + idn_a + idn_u))


def search_checks(ck, path, cap):
    rep = ck.rep
    kind, expected = expected_search(ck.model, path)
    status, body, _ = ck.get(path)
    what = "GET %s" % path
    if body is None:
        return
    member = {"domain": "domainSearchResults", "nameserver": "nameserverSearchResults",
              "entity": "entitySearchResults"}[kind]
    if not expected and status == 404:  # an empty search: 404 or an empty array both do
        ck.validate_body(status, body, None, what)
        return
    if not rep.eq(status, 200, "%s: status (brute force finds %d)" % (what, len(expected))):
        ck.validate_body(status, body, None, what)
        return
    results = body.get(member)
    if not rep.ok(isinstance(results, list), "%s: no %s" % (what, member)):
        return
    key = "handle" if kind == "entity" else "ldhName"
    got = [r.get(key) for r in results]
    rep.eq(len(got), len(set(got)), "%s: results without repeats" % what)
    notices = [n for n in body.get("notices") or [] if "truncated" in (n.get("type") or "")]
    if len(expected) > cap:
        rep.eq(len(got), cap, "%s: results cut at rdap.search_max_results (%d of %d match)"
               % (what, cap, len(expected)))
        rep.ok(set(got) <= expected, "%s: results not matching: %s" % (what, sorted(set(got) - expected)[:10]))
        if rep.eq(len(notices), 1, "%s: one truncation notice" % what):
            text = " ".join(notices[0].get("description") or [])
            rep.ok(re.search(r"\b%d\b" % len(expected), text) is not None,
                   "%s: truncation notice %r should give the %d that matched" % (what, text, len(expected)))
    else:
        rep.eq(sorted(set(got)), sorted(expected), "%s: result set (brute force over the inputs)" % what)
        rep.eq(notices, [], "%s: no truncation notice" % what)
    for i, r in enumerate(results):
        w = "%s: %s[%d]" % (what, member, i)
        if kind == "domain" and r.get("ldhName") in ck.model.domains:
            ck.check_domain(r, ck.model.domains[r["ldhName"]], w)
        elif kind == "nameserver" and r.get("ldhName") in ck.model.hosts:
            ck.check_nameserver(r, ck.model.hosts[r["ldhName"]], True, w)
        elif kind == "entity" and (r.get("handle") or "").lower() in ck.model.entities:
            ck.check_entity(r, ck.model.entity(r["handle"]), None, w)
    ck.check_redaction(body, what)
    ck.validate_body(status, body, None, what)
    return body


def lookup_domain(ck, query, d, what=None):
    status, body, _ = ck.get("domain/" + query if isinstance(query, str) else b"domain/" + query, what)
    what = what or "GET domain/%s" % query
    if ck.rep.eq(status, 200, "%s: status" % what) and body:
        ck.check_domain(body, d, what)
        ck.check_redaction(body, what)
    ck.validate_body(status, body, "rdap_domain.json", what)
    return body


def strip_request_value(body):
    """The body without the self links' "value" (the URL the client asked for)."""
    b = json.loads(json.dumps(body))
    for link in b.get("links") or []:
        link.pop("value", None)
    return b


def phase_lookups(ck, known_names):
    rep, model = ck.rep, ck.model
    # 1. every known domain: as written, by A-label, by U-label, upper case, full width, trailing dot
    for ldh in known_names:
        d = model.domains[ldh]
        forms = {"a-label": ldh, "u-label": d["uni"], "as written": model.written[ldh],
                 "upper case": upper_form(d["uni"], ldh),
                 "trailing dot": ldh + "."}
        if d["uni"] == ldh:  # ASCII: full-width letters map to it (UTS #46)
            forms["full width"] = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in ldh.upper())
        bodies = {}
        for form, q in forms.items():
            bodies[form] = lookup_domain(ck, q, d, "GET domain/%s (%s of %s)" % (q, form, ldh))
        first = strip_request_value(bodies["a-label"]) if bodies["a-label"] else None
        for form, b in bodies.items():
            if b is not None and first is not None:
                rep.eq(strip_request_value(b), first, "domain %s: the %s answer is the A-label answer"
                       % (ldh, form))
        # the same name, sent as raw UTF-8 bytes instead of percent escapes
        if d["uni"] != ldh:
            lookup_domain(ck, d["uni"].encode("utf-8"), d, "GET domain/%s (raw UTF-8)" % d["uni"])
    # 2. generated domains, both forms
    for ldh in gen_sample(model, known_names):
        d = model.domains[ldh]
        lookup_domain(ck, ldh, d)
        if d["uni"] != ldh:
            lookup_domain(ck, d["uni"], d)
    # 3. names mixing A-labels and U-labels, names not held, names that are not names
    for q in ("bücher.xn--fiqs8s", "xn--bcher-kva.中国", "xn--fiqs8s5y8amna.中国", "ns1.中国网络.xn--tst-x"):
        if is_mixed(q):
            for kind in ("domain", "nameserver"):
                status, body, _ = ck.get("%s/%s" % (kind, q))
                rep.eq(status, 400, "GET %s/%s (A-labels and U-labels mixed): status" % (kind, q))
                ck.validate_body(status, body, None, "GET %s/%s" % (kind, q))
    for q in ("nowhere.tst", "bücher.example", "xn--bcher-kva.example", "中国.tst", "ns9.example-shop.tst",
              "straße.tst.example", "tst"):
        held = to_ascii(q) in model.domains
        status, body, _ = ck.get("domain/" + q)
        rep.eq(status, 200 if held else 404, "GET domain/%s: status (held: %s)" % (q, held))
        ck.validate_body(status, body, "rdap_domain.json", "GET domain/" + q)
    for q in ("-bad-.tst", "xn--zz.tst", "a..tst", "bad_name.tst"):
        status, body, _ = ck.get("domain/" + q)
        rep.eq(status, 400, "GET domain/%s (not a domain name): status" % q)
        ck.validate_body(status, body, None, "GET domain/" + q)
    # 4. nameservers: every known host and a sample of generated ones, both forms, upper case
    known_hosts = {h for n in known_names for h in model.domains[n]["ns"]}
    gen_hosts = sorted(set(model.hosts) - known_hosts)[::60]
    for h in sorted(known_hosts) + gen_hosts:
        host = model.hosts[h]
        forms = [h, h.upper()]
        if host["uni"] != h:
            forms += [host["uni"], upper_form(host["uni"], h)]
        for q in forms:
            status, body, _ = ck.get("nameserver/" + q)
            what = "GET nameserver/%s" % q
            if rep.eq(status, 200, "%s: status" % what) and body:
                ck.check_nameserver(body, host, True, what)
            ck.validate_body(status, body, "rdap_nameserver.json", what)
    status, body, _ = ck.get("nameserver/ns7.example-shop.tst")
    rep.eq(status, 404, "GET nameserver/ns7.example-shop.tst: status")
    ck.validate_body(status, body, None, "GET nameserver/ns7.example-shop.tst")
    # 5. entities: every known contact and a sample of generated ones, any ASCII case
    known_ents = {model.entity(h)["handle"] for n in known_names for h, _ in model.domains[n]["contacts"]}
    gen_ents = sorted({e["handle"] for e in model.entities.values()} - known_ents)[::80]
    for h in sorted(known_ents) + gen_ents:
        for q in ((h, h.lower(), h.upper()) if h in known_ents else (h, h.lower())):
            status, body, _ = ck.get("entity/" + q)
            what = "GET entity/%s" % q
            if rep.eq(status, 200, "%s: status" % what) and body:
                ck.check_entity(body, model.entity(h), None, what)
                ck.check_changed_events(body, what)
                ck.self_link_checks(body, "entity", h, what)
                ck.check_redaction(body, what)
            ck.validate_body(status, body, "rdap_entity.json", what)
    for q in ("NOBODY-1", "PERS-C", "PERS-CN-"):
        status, body, _ = ck.get("entity/" + q)
        rep.eq(status, 404, "GET entity/%s: status" % q)
        ck.validate_body(status, body, None, "GET entity/" + q)


def phase_searches(ck, cap):
    for path in SEARCHES:
        search_checks(ck, path, cap)
    for status, path in REFUSED:
        got, body, _ = ck.get(path)
        ck.rep.eq(got, status, "GET %s: status" % path)
        ck.validate_body(got, body, None, "GET %s" % path)


def phase_whois(ck, known_names):
    for ldh in known_names:
        d = ck.model.domains[ldh]
        ck.check_whois_domain(ldh, d)
        if d["uni"] != ldh:
            ck.check_whois_domain(d["uni"], d)
            ck.check_whois_domain(upper_form(d["uni"], ldh), d)




def self_test(schemas):
    """Exit 0 when validate_rdap, with this Python's jsonschema, validates a
    correct entity with a jCard (and roles after it) without failing."""
    doc = {"objectClassName": "entity", "handle": "X-1", "roles": ["registrant"],
           "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "A"],
                                    ["kind", {}, "text", "individual"]]],
           "rdapConformance": ["rdap_level_0"]}
    try:
        problems = validate_rdap.Validator(schemas).errors("rdap_entity.json", doc)
    except Exception as e:
        print("validate_rdap fails on a correct jCard with jsonschema from %s: %s: %s"
              % (os.path.dirname(validate_rdap.jsonschema.__file__), type(e).__name__, e))
        return 1
    if problems:
        print("validate_rdap refuses a correct jCard: %s" % problems)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int)
    ap.add_argument("--whois-port", type=int)
    ap.add_argument("--phase", choices=["redacted", "open", "cap", "bigcap"])
    ap.add_argument("--work")
    ap.add_argument("--schemas", default=validate_rdap.DEFAULT_SCHEMAS)
    ap.add_argument("--policy", default="")
    ap.add_argument("--max", type=int, default=100)
    ap.add_argument("--known-bugs", help="this test's known bugs")
    ap.add_argument("--shared-known-bugs", help="tests/daemon/KNOWN_BUGS, read only")
    ap.add_argument("--self-test", action="store_true",
                    help="only check that validate_rdap can validate a jCard with this Python")
    ap.add_argument("--known-names", help="the hand-written file (its domains are checked most)")
    ap.add_argument("inputs", nargs="*")
    args = ap.parse_args()
    if args.self_test:
        return self_test(args.schemas)
    if None in (args.port, args.whois_port, args.phase, args.work, args.known_names) or not args.inputs:
        ap.error("--port, --whois-port, --phase, --work, --known-names and the inputs are needed")
    rep = Report(args.known_bugs, args.shared_known_bugs)
    # RFC 3492 by hand: the codec and the mapping must give these.
    for name, ace in (("bücher.tst", "xn--bcher-kva.tst"), ("straße.tst", "xn--strae-oqa.tst"),
                      ("BÜCHER.TST", "xn--bcher-kva.tst")):
        rep.eq(to_ascii(name), ace, "A-label of %s" % name)
        rep.eq(to_unicode(ace), to_unicode(name), "U-label of %s" % ace)
    model = Model(args.inputs)
    with open(args.known_names, encoding="utf-8") as f:
        known_names = [to_ascii(json.loads(x)["name"]) for x in f if x.strip()]
    ck = Checker(args, rep, model)
    state = os.path.join(args.work, "names-redacted-bodies.json")

    if args.phase in ("redacted", "open"):
        phase_lookups(ck, known_names)
        phase_searches(ck, args.max)
        phase_whois(ck, known_names)
        if args.phase == "redacted":
            rep.ok(any(b.get("redacted") for b in ck.redactions),
                   "the default policy withheld nothing anywhere: the test data is wrong")
            kept = {}
            for b in ck.redactions:
                if b.get("objectClassName") in ("domain", "entity") and b.get("redacted"):
                    kept.setdefault(b.get("ldhName") or b.get("handle"), b)
            with open(state, "w", encoding="utf-8") as f:
                json.dump(sorted(kept.items()), f)
        else:
            rep.ok(not ck.policy, "the open phase runs with an empty policy")
            with open(state, encoding="utf-8") as f:
                kept = json.load(f)
            for key, redacted_body in kept:
                kind = redacted_body["objectClassName"]
                status, open_body, _ = ck.get("%s/%s" % (kind, key))
                if rep.eq(status, 200, "GET %s/%s (open): status" % (kind, key)):
                    ck.check_redaction_paths(redacted_body, open_body, "%s/%s" % (kind, key))
            rep.ok(len(kept) > 0, "no redacted bodies kept from the redacted phase")
    elif args.phase == "cap":
        cut = 0
        for path in SEARCHES:
            body = search_checks(ck, path, args.max)
            cut += bool(body and any("truncated" in (n.get("type") or "") for n in body.get("notices", [])))
        rep.ok(cut >= 10, "only %d searches were cut at %d results: the test data is too small" % (cut, args.max))
    else:  # bigcap: the largest cap the configuration allows
        for path in ("domains?name=*", "domains?name=xn--*"):
            kind, expected = expected_search(model, path)
            status, body, resp = ck.get(path)
            n = len(body.get({"domain": "domainSearchResults", "nameserver": "nameserverSearchResults",
                              "entity": "entitySearchResults"}[kind]) or []) if body else 0
            ck.rep.bug("SEARCH_BODY_OVER_LIMIT", status == 200 and n == min(len(expected), args.max),
                       "GET %s with rdap.search_max_results=%d (%d match): status %d, %d results, %d "
                       "bytes: %s" % (path, args.max, len(expected), status, n, len(resp.body),
                                      (body or {}).get("description")))
            if status == 200:
                search_checks(ck, path, args.max)
            else:
                ck.validate_body(status, body, None, "GET %s" % path)
    print("%s: %d requests answered with JSON, %d documents validated" % (args.phase, ck.n_bodies,
                                                                         len(ck.validated)))
    return rep.finish(os.path.join(args.work, "names-known-ledger"))


if __name__ == "__main__":
    sys.exit(main())
