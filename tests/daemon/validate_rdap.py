#!/usr/bin/env python3
"""Validate RDAP response bodies against ICANN's RDAP JSON schemas (draft-07).

Every schema file under the schema directory goes into one store, keyed by
its "$id" (e.g. "rdap_ip_network.json") and by its path, so that the
relative "$ref"s between the files resolve without any network access.
Custom keywords (errorCode, validationName, ...) are ignored, as draft-07
ignores unknown keywords.  Formats: the ones that need IANA data sets
(rdapExtensions, linkRelations, ...) are checked against the registered
values that matter here or ignored; date-time, ipv4/ipv6, idn-hostname and
uri are checked, so that the schemas' oneOf choices (port43: an address or a
host name) can tell their branches apart.  --no-formats turns all format
checks off.

Beyond the schemas, every response is checked for what RFC 9083 asks of all
of them: rdapConformance (with rdap_level_0) and notices at the top level
only, never in nested objects; an error body's errorCode is a number.

Extension members: RFC 9083 section 2.1 lets a response carry members named
"<extension>_<name>" for each extension identifier it lists in
rdapConformance, in any of its objects.  ICANN's object schemas say
additionalProperties: false and know no extensions, so such members are
taken out, at any depth, before the schema check and checked on their
own (cidr0_cidrs against the cidr0 extension's shape); --strict leaves
them in (and fails every network that carries cidr0_cidrs).

Usage:
  validate_rdap.py [--schemas DIR] [--strict] [--no-formats] SCHEMA FILE...
      SCHEMA is a file name such as rdap_ip_network.json (or "search" for
      a search response, whose results are checked against the schemas of
      their objects); exit 1 if any
      FILE fails, with one line per problem on stdout.
  validate_rdap.py [--schemas DIR] ... --manifest FILE
      FILE has lines "SCHEMA BODYFILE"; checks each.
  validate_rdap.py --flat FILE
      Prints the body's members as "path<TAB>value" lines (arrays indexed
      from 0: "cidr0_cidrs.1.length"), for shell tests to compare.

As a module: Validator(schema_dir).errors(schema_name, document) -> [str].
"""
import argparse
import ipaddress
import json
import os
import re
import sys
import warnings
from urllib.parse import urlsplit

warnings.filterwarnings("ignore", category=DeprecationWarning)
import jsonschema  # noqa: E402  (python3-jsonschema, 4.10 on Debian 12)

try:  # jsonschema 4.18 and later resolve "$ref"s through a registry
    from referencing import Registry, Resource  # noqa: E402
    from referencing.jsonschema import DRAFT7  # noqa: E402
except ImportError:  # before 4.18 (Debian 12): jsonschema.RefResolver
    Registry = None

DEFAULT_SCHEMAS = os.path.join(os.environ.get("SHARED", "/work/shared"), "data", "rdap-json-schema")

# Values of the IANA "RDAP JSON Values" registry (RFC 9083 section 10.2) that
# the formats of the same names stand for.
STATUS_VALUES = {
    "validated", "renew prohibited", "update prohibited", "transfer prohibited",
    "delete prohibited", "proxy", "private", "removed", "obscured", "associated",
    "active", "inactive", "locked", "pending create", "pending renew",
    "pending transfer", "pending update", "pending delete", "add period",
    "auto renew period", "client delete prohibited", "client hold",
    "client renew prohibited", "client transfer prohibited",
    "client update prohibited", "pending restore", "redemption period",
    "renew period", "server delete prohibited", "server renew prohibited",
    "server transfer prohibited", "server update prohibited", "server hold",
    "transfer period", "administrative", "reserved",
}
EVENT_ACTIONS = {
    "registration", "reregistration", "last changed", "expiration", "deletion",
    "reinstantiation", "transfer", "locked", "unlocked",
    "last update of RDAP database", "registrar expiration",
    "enum validation expiration",
}
ROLES = {
    "registrant", "technical", "administrative", "abuse", "billing", "registrar",
    "reseller", "sponsor", "proxy", "notifications", "noc",
}
NOTICE_TYPES = {
    "result set truncated due to authorization",
    "result set truncated due to excessive load",
    "result set truncated due to unexplainable reasons",
    "object truncated due to authorization",
    "object truncated due to excessive load",
    "object truncated due to unexplainable reasons",
    "object redacted due to authorization",
}
# IANA link relations an RDAP server plausibly uses.
LINK_RELATIONS = {
    "self", "related", "alternate", "about", "help", "up", "down", "collection",
    "item", "terms-of-service", "copyright", "license", "describedby", "first",
    "last", "next", "prev", "previous", "canonical", "via", "author", "privacy-policy",
    "service", "replies", "edit", "enclosure", "index", "latest-version",
}

DATE_TIME = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$")
LDH_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")
EXTENSION_ID = re.compile(r"^[A-Za-z0-9_]+$")

# The cidr0 extension (https://bitbucket.org/nroecg/nro-rdap-cidr): what a
# "cidr0_cidrs" member holds.
CIDR0_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "properties": {
            "v4prefix": {"type": "string", "format": "ipv4-validation"},
            "v6prefix": {"type": "string", "format": "ipv6-validation"},
            "length": {"type": "integer", "minimum": 0, "maximum": 128},
        },
        "required": ["length"],
        "oneOf": [{"required": ["v4prefix"]}, {"required": ["v6prefix"]}],
        "additionalProperties": False,
    },
}
EXTENSION_SCHEMAS = {"cidr0_cidrs": CIDR0_SCHEMA}

# Search responses (RFC 9083 section 8): the schemas have no file for them;
# each result is checked against its object's schema.
SEARCH = "search"
SEARCH_RESULTS = {"domainSearchResults": "rdap_domain.json",
                  "nameserverSearchResults": "rdap_nameserver.json",
                  "entitySearchResults": "rdap_entity.json"}


def _is_hostname(s):
    if not isinstance(s, str):
        return True
    if s.endswith("."):
        s = s[:-1]
    if not s or len(s) > 253:
        return False
    try:
        ascii_name = s.encode("idna").decode("ascii") if any(ord(c) > 127 for c in s) else s
    except UnicodeError:
        return False
    return all(LDH_LABEL.match(label) for label in ascii_name.split("."))


def _is_ip(s, version):
    if not isinstance(s, str):
        return True
    try:
        return ipaddress.ip_address(s).version == version
    except ValueError:
        return False


def _is_uri(s):
    if not isinstance(s, str):
        return True
    if not URI_CHARS.match(s) or re.search(r"%(?![0-9A-Fa-f]{2})", s):
        return False
    parts = urlsplit(s)
    return bool(parts.scheme) and bool(parts.netloc)


def _host_in_uri(s):
    if not isinstance(s, str):
        return True
    try:
        host = urlsplit(s).hostname
    except ValueError:
        return False
    if host is None:
        return False
    return _is_ip(host, 4) or _is_ip(host, 6) or _is_hostname(host)


def format_checker():
    checker = jsonschema.FormatChecker(formats=())
    rules = {
        "date-time": lambda s: not isinstance(s, str) or bool(DATE_TIME.match(s)),
        "ipv4-validation": lambda s: _is_ip(s, 4),
        "ipv6-validation": lambda s: _is_ip(s, 6),
        "idn-hostname": _is_hostname,
        "uri": _is_uri,
        "hostname-in-uri": _host_in_uri,
        "status": lambda s: not isinstance(s, str) or s in STATUS_VALUES,
        "eventAction": lambda s: not isinstance(s, str) or s in EVENT_ACTIONS,
        "role": lambda s: not isinstance(s, str) or s in ROLES,
        "noticeAndRemark": lambda s: not isinstance(s, str) or s in NOTICE_TYPES,
        "linkRelations": lambda s: not isinstance(s, str) or s in LINK_RELATIONS,
        "mediaTypes": lambda s: not isinstance(s, str) or bool(MEDIA_TYPE.match(s)),
        "rdapExtensions": lambda s: not isinstance(s, str) or bool(EXTENSION_ID.match(s)),
    }
    for name, rule in rules.items():
        checker.checks(name)(rule)
    return checker


def _path(error):
    return "/" + "/".join(str(p) for p in error.absolute_path)


class Validator:
    def __init__(self, schema_dir=DEFAULT_SCHEMAS, strict=False, formats=True):
        self.store = {}
        for root, _, files in os.walk(schema_dir):
            for name in files:
                if not name.endswith(".json"):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    schema = json.load(f)
                rel = os.path.relpath(path, schema_dir)
                self.store[rel] = schema
                if isinstance(schema, dict) and "$id" in schema:
                    self.store[schema["$id"]] = schema
        if "rdap_error.json" not in self.store:
            raise SystemExit("validate_rdap: no RDAP schemas in %s" % schema_dir)
        # jcard.json gives its vcardArray definition "$id": "vcardArray", which
        # moves the base of that definition's "#/definitions/..." references
        # to a document of that name: the file it came from, as its authors
        # (ICANN's conformance tool) read it.
        if "vcardArray" not in self.store and "jcard.json" in self.store:
            self.store["vcardArray"] = self.store["jcard.json"]
        # With jsonschema 4.18 and later, RefResolver resolves a "#/..." ref
        # against the last schema another ref led to, not its own (a notice
        # in an entity made "#/definitions/entityClass" unresolvable): a
        # registry resolves each against the schema it is in.
        self.registry = None if Registry is None else Registry().with_resources(
            (key, Resource.from_contents(schema, default_specification=DRAFT7))
            for key, schema in self.store.items())
        self.strict = strict
        self.checker = format_checker() if formats else None

    def _validator(self, name, schema=None):
        # A fresh resolver each time: jsonschema 4.18 and later leave a used
        # RefResolver's scope stack changed, so it cannot be reused.
        if schema is None:
            schema = self.store[name]
        if self.registry is not None:
            return jsonschema.Draft7Validator(schema, registry=self.registry,
                                              format_checker=self.checker)
        resolver = jsonschema.RefResolver(base_uri=schema.get("$id", name), referrer=schema,
                                          store=self.store)
        return jsonschema.Draft7Validator(schema, resolver=resolver,
                                          format_checker=self.checker)

    def _schema_errors(self, name, doc, schema=None):
        v = self._validator(name, schema)
        out = []
        for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
            out.append("%s: %s: %s" % (name, _path(e), e.message[:300]))
        return out

    def errors(self, schema_name, doc):
        """Everything wrong with @doc as a response of the kind @schema_name
        (a schema file name, or "search" for a search response)."""
        if schema_name not in self.store and schema_name != SEARCH:
            return ["no schema named %s" % schema_name]
        if not isinstance(doc, dict):
            return ["the body is not a JSON object"]
        problems = []
        conformance = doc.get("rdapConformance")
        problems += ["top level: " + p for p in
                     self._schema_errors("rdap_conformance.json", conformance)] \
            if conformance is not None else ["top level: no rdapConformance"]
        if "notices" in doc:
            problems += self._schema_errors("rdap_notices.json", doc["notices"])
        body = doc
        if not self.strict and isinstance(conformance, list):
            body = self._without_extensions(doc, conformance, problems)
        if schema_name == SEARCH:
            problems += self._search_errors(body)
        else:
            problems += self._schema_errors(schema_name, body)
        if schema_name == "rdap_error.json" and not isinstance(doc.get("errorCode"), int):
            problems.append("errorCode is not an integer")
        problems += self._nested_top_level_members(doc, "")
        return problems

    def _without_extensions(self, value, conformance, problems):
        """@value without the members of the extensions in @conformance, at
        any depth (a network listed in an entity carries cidr0_cidrs too);
        those with a schema of their own are checked against it."""
        if isinstance(value, list):
            return [self._without_extensions(v, conformance, problems) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, member in value.items():
            prefix = key.split("_", 1)[0]
            if "_" in key and prefix != "rdap" and prefix in conformance:
                if key in EXTENSION_SCHEMAS:
                    problems += self._schema_errors(key, member, EXTENSION_SCHEMAS[key])
            else:
                out[key] = self._without_extensions(member, conformance, problems)
        return out

    def _search_errors(self, body):
        kinds = [k for k in SEARCH_RESULTS if k in body]
        if len(kinds) != 1:
            return ["a search response has one of %s, not %s" % (sorted(SEARCH_RESULTS), kinds)]
        problems = []
        results = body[kinds[0]]
        if not isinstance(results, list):
            return ["%s is not an array" % kinds[0]]
        for i, item in enumerate(results):
            problems += ["%s/%d: %s" % (kinds[0], i, p)
                         for p in self._schema_errors(SEARCH_RESULTS[kinds[0]], item)]
        for key in body:
            if key not in (kinds[0], "rdapConformance", "notices", "lang"):
                problems.append("search response: unexpected member %s" % key)
        return problems

    def _nested_top_level_members(self, value, where):
        """rdapConformance and notices belong to the top level only."""
        problems = []
        if isinstance(value, dict):
            for key, member in value.items():
                if where and key in ("rdapConformance", "notices"):
                    problems.append("%s/%s: %s is only allowed at the top level" % (where, key, key))
                problems += self._nested_top_level_members(member, "%s/%s" % (where, key))
        elif isinstance(value, list):
            for i, member in enumerate(value):
                problems += self._nested_top_level_members(member, "%s/%d" % (where, i))
        return problems

    def check_text(self, schema_name, text):
        try:
            doc = json.loads(text)
        except (ValueError, UnicodeDecodeError) as e:
            return ["not JSON: %s" % e]
        return self.errors(schema_name, doc)


def flatten(value, prefix=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from flatten(v, "%s.%s" % (prefix, k) if prefix else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from flatten(v, "%s.%d" % (prefix, i) if prefix else str(i))
    else:
        if value is None:
            text = "null"
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        yield prefix, text.replace("\t", " ").replace("\n", " ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schemas", default=DEFAULT_SCHEMAS)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--no-formats", action="store_true")
    ap.add_argument("--manifest")
    ap.add_argument("--flat")
    ap.add_argument("rest", nargs="*")
    args = ap.parse_args()
    if args.flat:
        with open(args.flat, encoding="utf-8") as f:
            for key, value in flatten(json.load(f)):
                print("%s\t%s" % (key, value))
        return 0
    v = Validator(args.schemas, strict=args.strict, formats=not args.no_formats)
    jobs = []
    if args.manifest:
        with open(args.manifest, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    schema, path = line.split(None, 1)
                    jobs.append((schema, path.strip()))
    elif len(args.rest) >= 2:
        jobs = [(args.rest[0], p) for p in args.rest[1:]]
    else:
        ap.error("give SCHEMA FILE..., --manifest FILE or --flat FILE")
    failed = 0
    for schema, path in jobs:
        with open(path, "rb") as f:
            problems = v.check_text(schema, f.read())
        for p in problems:
            print("%s: %s" % (path, p))
        failed += bool(problems)
    print("validate_rdap: %d bodies, %d invalid" % (len(jobs), failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
