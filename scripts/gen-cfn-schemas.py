#!/usr/bin/env python3
"""Generate cvl's embedded CloudFormation resource schemas.

Reads the resource-provider schemas that the cfn-lint wheel bundles
(``cfnlint/data/schemas``; only the us-east-1 type list) and writes a
compact form into ``compiler/src/cfn/schema/``, which
``compiler/src/cfn/schema.rs`` embeds. See docs/schemas.md.

Run it with a Python that has exactly cfn-lint 1.58.0 installed:

    python3 -m venv .venv-lint && .venv-lint/bin/pip install cfn-lint==1.58.0
    .venv-lint/bin/python scripts/gen-cfn-schemas.py

The output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import html
import json
import os
import re
import struct
import sys
import zlib
from pathlib import Path

# Zopfli (PyPI `zopfli`, pinned in scripts/requirements-lint.txt): standard deflate streams, about
# 4.5% smaller than zlib's level 9, which is 40 KB less wasm for the playground.
import zopfli
import zopfli.zopfli

CFN_LINT_VERSION = "1.58.0"
REGION = "us-east-1"
MAX_ENUM = 64
DOC_MAX = 160
# Zopfli's iterations per block: more gives a few hundred bytes at a large cost in time.
ZOPFLI_ITERATIONS = 15
# Types are packed into deflate blocks of at least this many JSON bytes. 96 KiB rather than 64:
# 10 KB less data, and about as much inflating for the examples (the common types come first).
BLOCK_TARGET = 96 * 1024
# Names of the files written into the output directory.
DATA_FILE = "resources.bin"
INDEX_FILE = "index.tsv"
NOTICE_FILE = "NOTICE"
MAGIC = b"CVLCFN2\n"

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "compiler" / "src" / "cfn" / "schema"

SCALARS = {"string": "s", "integer": "i", "number": "n", "boolean": "b"}


# --------------------------------------------------------------------------
# documentation


_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
# Only real HTML tags: `<region>` in an ARN template is text.
_HTML_TAG = re.compile(r"</?(?:p|code|a|ul|ol|li|i|b|em|strong|br|note|important|div|span)(?:\s[^<>]*)?/?>", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`\"'*])")


def one_line(text: object) -> str | None:
    """The first sentence of a description, markdown links and HTML
    stripped, cut to whole words (with an ellipsis) when it is longer than
    DOC_MAX characters."""
    if not isinstance(text, str):
        return None
    if _HTML_TAG.search(text):
        # Some descriptions are HTML (from the service API models).
        text = re.sub(r"</?code>", "`", text, flags=re.I)
        text = re.sub(r"</p>|</?ul>|</?ol>|<br\s*/?>", "\n\n", text, flags=re.I)
        text = _HTML_TAG.sub("", text)
        text = html.unescape(text)
    text = _LINK.sub(r"\1", text)
    # A newline ends the paragraph unless the line looks hard-wrapped
    # (no closing punctuation and the next line starts in lower case).
    lines = [line.strip() for line in text.split("\n")]
    para: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            if para:
                break
            continue
        para.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if re.search(r"[.:!?)]$", line) or not nxt[:1].islower():
            break
    line = " ".join(" ".join(para).split())
    if not line:
        return None
    # One sentence: what a hover shows in a line. Every further sentence of every description
    # would add about 65 KB to the playground's gzipped wasm (docs/performance.md, "Playground").
    line = _SENTENCE_END.split(line)[0]
    if len(line) <= DOC_MAX:
        return line
    cut = line[: DOC_MAX - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "\u2026"


# --------------------------------------------------------------------------
# conversion of one resource-provider schema


def enum_of(node: dict) -> list[str] | None:
    values = node.get("enum")
    if not isinstance(values, list):
        if "const" in node:
            values = [node["const"]]
        else:
            return None
    out: list[str] = []
    for v in values:
        if isinstance(v, bool):
            s = "true" if v else "false"
        elif isinstance(v, (str, int, float)):
            s = str(v)
        else:
            continue
        if s not in out:
            out.append(s)
    if not out or len(out) > MAX_ENUM:
        return None
    return out


def node_types(node: dict) -> list[str] | None:
    t = node.get("type")
    if isinstance(t, str):
        t = [t]
    if not isinstance(t, list):
        return None
    out: list[str] = []
    for x in t:
        if isinstance(x, str) and x != "null" and x not in out:
            out.append(x)
    return out or None


def alternatives(node: dict) -> list[dict]:
    alts: list[dict] = []
    for key in ("oneOf", "anyOf", "allOf"):
        for alt in node.get(key) or []:
            if isinstance(alt, dict):
                alts.append(alt)
    return alts


def union(types: list[str]) -> str:
    out: list[str] = []
    for t in types:
        for part in split_union(t):
            if part not in out:
                out.append(part)
    if "j" in out or not out:
        return "j"
    return "|".join(out)


def split_union(t: str) -> list[str]:
    """Split a type string at its top-level '|'."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(t):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(t[start:i])
            start = i + 1
    parts.append(t[start:])
    return parts


class Converter:
    """Converts one resource type's schema into its compact form."""

    def __init__(self, type_name: str, schema: dict):
        self.type_name = type_name
        self.schema = schema
        src = schema.get("definitions")
        self.src_defs: dict = src if isinstance(src, dict) else {}
        self.short = re.sub(r"[^A-Za-z0-9]", "", type_name.split("::")[-1]) or "T"
        self.defs: dict[str, dict] = {}
        # Resolved type of each `#/definitions/X` (or `#/properties/X`).
        self.ref_memo: dict[str, tuple[str, list[str] | None]] = {}
        self.in_progress: set[str] = set()
        # Real definition names that become object definitions are reserved,
        # so a synthesized name never takes them.
        self.used = {n for n, d in self.src_defs.items() if self.objectish(d)}

    # -- helpers ---------------------------------------------------------

    def lookup(self, ref: str) -> dict | None:
        m = re.fullmatch(r"#/(definitions|properties)/([^/]+)", ref)
        if not m:
            return None
        table = self.src_defs if m.group(1) == "definitions" else self.schema.get("properties", {})
        node = table.get(m.group(2))
        return node if isinstance(node, dict) else None

    def object_props(self, node: dict) -> dict:
        """Properties of an object node, merged with those named in its
        oneOf/anyOf/allOf alternatives (first definition wins)."""
        props: dict = {}
        own = node.get("properties")
        if isinstance(own, dict):
            props.update((k, v) for k, v in own.items() if isinstance(k, str))
        for alt in alternatives(node):
            alt_props = alt.get("properties")
            if isinstance(alt_props, dict):
                for k, v in alt_props.items():
                    props.setdefault(k, v)
        return props

    def objectish(self, node: object) -> bool:
        """Whether `ty` turns this node into an object definition."""
        if not isinstance(node, dict) or isinstance(node.get("$ref"), str):
            return False
        types = node_types(node)
        if types is None:
            if not (node.get("properties") or any(a.get("properties") for a in alternatives(node))):
                return False
            types = ["object"]
        return types == ["object"] and bool(self.object_props(node))

    def fresh_name(self, hint: str) -> str:
        name, n = hint, 2
        while name in self.used:
            name = f"{hint}{n}"
            n += 1
        self.used.add(name)
        return name

    # -- types -----------------------------------------------------------

    def ty(self, node: object, hint: str) -> tuple[str, list[str] | None]:
        """The compact type string of a schema node, and its enum values
        (for a list or map: those of its elements)."""
        if not isinstance(node, dict):
            return "j", None
        ref = node.get("$ref")
        if isinstance(ref, str):
            t, e = self.ref_type(ref)
            return t, enum_of(node) or e
        types = node_types(node)
        enum = enum_of(node)
        if types is None:
            if node.get("properties") or node.get("patternProperties"):
                types = ["object"]
            elif "items" in node or "prefixItems" in node:
                types = ["array"]
            elif alternatives(node):
                return self.combinator(node, hint)
            elif enum is not None:
                values = node.get("enum") or [node.get("const")]
                if all(isinstance(v, bool) for v in values):
                    types = ["boolean"]
                elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                    types = ["integer"]
                else:
                    types = ["string"]
            else:
                return "j", None
        if len(types) > 1:
            if "object" in types:
                return "j", None
            parts = [self.single(t, node, hint)[0] for t in types]
            return union(parts), enum
        t, e = self.single(types[0], node, hint)
        return t, enum or e

    def single(self, t: str, node: dict, hint: str) -> tuple[str, list[str] | None]:
        if t in SCALARS:
            return SCALARS[t], None
        if t == "array":
            items = node.get("items")
            if isinstance(items, dict):
                it, e = self.ty(items, hint)
                return f"L<{it}>", e
            return "L<j>", None
        if t == "object":
            return self.object_type(node, hint), None
        return "j", None

    def object_type(self, node: dict, hint: str) -> str:
        if self.object_props(node):
            name = self.fresh_name(hint)
            self.make_def(name, node)
            return "@" + name
        pattern = node.get("patternProperties")
        if isinstance(pattern, dict) and pattern:
            vals = [self.ty(v, hint)[0] for _, v in sorted(pattern.items())]
            return f"M<{union(vals)}>"
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return f"M<{self.ty(extra, hint)[0]}>"
        return "j"

    def combinator(self, node: dict, hint: str) -> tuple[str, list[str] | None]:
        """An untyped node made of oneOf/anyOf/allOf alternatives."""
        alts = alternatives(node)
        if any(a.get("properties") for a in alts):
            return self.object_type(node, hint), None
        informative = [
            a for a in alts
            if any(k in a for k in ("$ref", "type", "items", "properties", "enum", "const", "oneOf", "anyOf", "allOf"))
        ]
        if not informative:
            return "j", None
        if node.get("allOf") and not (node.get("oneOf") or node.get("anyOf")):
            return self.ty(informative[0], hint)
        results = [self.ty(a, hint) for a in informative]
        t = union([r[0] for r in results])
        enum = results[0][1] if len(results) == 1 else None
        return t, enum

    def ref_type(self, ref: str) -> tuple[str, list[str] | None]:
        if ref in self.ref_memo:
            return self.ref_memo[ref]
        target = self.lookup(ref)
        if target is None or ref in self.in_progress:
            return "j", None
        name = ref.rsplit("/", 1)[-1]
        if ref.startswith("#/definitions/") and self.objectish(target):
            self.ref_memo[ref] = ("@" + name, None)
            self.make_def(name, target)
            return self.ref_memo[ref]
        self.in_progress.add(ref)
        result = self.ty(target, re.sub(r"[^A-Za-z0-9]", "", name) or "T")
        self.in_progress.discard(ref)
        self.ref_memo[ref] = result
        return result

    def prop(self, node: object, hint: str) -> object:
        t, enum = self.ty(node, hint)
        doc = None
        if isinstance(node, dict):
            doc = one_line(node.get("description"))
            ref = node.get("$ref")
            if doc is None and isinstance(ref, str):
                target = self.lookup(ref)
                if target is not None:
                    doc = one_line(target.get("description"))
        if enum is None and doc is None:
            return t
        # `[type, doc]` or `[type, doc, enum]`: a list rather than `{"t":…, "d":…, "e":…}` saves
        # 200 KB of JSON and 7 KB of deflate streams.
        return [t, doc] if enum is None else [t, doc, enum]

    def make_def(self, name: str, node: dict) -> None:
        self.defs[name] = {}  # placeholder: breaks cycles
        props = self.object_props(node)
        out_props = {k: self.prop(v, f"{name}~{k}") for k, v in sorted(props.items())}
        required = node.get("required")
        req = sorted({r for r in required if r in out_props}) if isinstance(required, list) else []
        d: dict = {"p": out_props}
        if req:
            d["r"] = req
        self.defs[name] = d

    # -- the resource type -----------------------------------------------

    def attr_node(self, pointer: str) -> object:
        parts = pointer.split("/")[2:]
        node: object = self.schema.get("properties", {}).get(parts[0])
        for part in parts[1:]:
            seen = 0
            while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
                node = self.lookup(node["$ref"])
                seen += 1
            if not isinstance(node, dict):
                return None
            node = self.object_props(node).get(part)
        return node

    def convert(self, get_atts: dict[str, str]) -> dict:
        s = self.schema
        props = s.get("properties") if isinstance(s.get("properties"), dict) else {}

        def top_names(key: str) -> list[str]:
            out = []
            for ptr in s.get(key) or []:
                if isinstance(ptr, str):
                    parts = ptr.split("/")
                    if len(parts) == 3 and parts[1] == "properties":
                        out.append(parts[2])
            return out

        read_only = sorted(set(top_names("readOnlyProperties")))
        writable = {k: v for k, v in props.items() if k not in read_only}
        out_props = {k: self.prop(v, f"{self.short}~{k}") for k, v in sorted(writable.items())}
        required = sorted({r for r in s.get("required") or [] if r in out_props})
        create_only = sorted({c for c in top_names("createOnlyProperties") if c in out_props})

        attrs: dict[str, str] = {}
        patterns: list[str] = []
        for key, pointer in sorted(get_atts.items()):
            if pointer.startswith("/properties/CfnLint"):
                patterns.append(key)
                continue
            if "*" in pointer.split("/") or key != ".".join(pointer.split("/")[2:]):
                # readOnlyProperties inside arrays (`Foo/*/Id`): not GetAtt-able.
                continue
            hint = self.short + "~" + key.replace(".", "~")
            attrs[key] = self.ty(self.attr_node(pointer), hint)[0]

        tagging = s.get("tagging") if isinstance(s.get("tagging"), dict) else {}
        if isinstance(tagging.get("taggable"), bool):
            taggable = tagging["taggable"]
        else:
            taggable = "Tags" in out_props
        tag_prop = None
        if taggable:
            ptr = tagging.get("tagProperty")
            if isinstance(ptr, str) and re.fullmatch(r"/properties/[A-Za-z0-9]+", ptr):
                tag_prop = ptr.split("/")[2]
            elif "Tags" in out_props:
                tag_prop = "Tags"
            if tag_prop not in out_props:
                tag_prop = None

        out: dict = {}
        doc = one_line(s.get("description"))
        if doc:
            out["d"] = doc
        out["p"] = out_props
        if required:
            out["r"] = required
        if create_only:
            out["c"] = create_only
        if read_only:
            out["ro"] = read_only
        if attrs:
            out["a"] = attrs
        if patterns:
            out["ap"] = patterns
        # Nested parts of the identifier (3 types) are dotted, like attributes.
        out["id"] = [
            ".".join(ptr.split("/")[2:])
            for ptr in s.get("primaryIdentifier") or []
            if isinstance(ptr, str) and ptr.startswith("/properties/")
        ]
        if taggable:
            out["tg"] = tag_prop or True
        if self.defs:
            out["defs"] = self.defs
        return out


# --------------------------------------------------------------------------
# type-string self-check


TYPE_RE_NAME = re.compile(r"[A-Za-z0-9~]+")


def parse_type(t: str, pos: int = 0) -> int:
    """Parse a type string from pos; return the end position or raise."""
    while True:
        if t.startswith(("s", "i", "n", "b", "j"), pos) and (pos + 1 == len(t) or t[pos + 1] in "|>"):
            pos += 1
        elif t.startswith(("L<", "M<"), pos):
            pos = parse_type(t, pos + 2)
            if pos >= len(t) or t[pos] != ">":
                raise ValueError(f"unclosed '<' in {t!r}")
            pos += 1
        elif t.startswith("@", pos):
            m = TYPE_RE_NAME.match(t, pos + 1)
            if not m:
                raise ValueError(f"bad definition name in {t!r}")
            pos = m.end()
        else:
            raise ValueError(f"bad type {t!r} at {pos}")
        if pos < len(t) and t[pos] == "|":
            pos += 1
            continue
        return pos


def check_type(t: str, defs: dict, where: str) -> None:
    if parse_type(t) != len(t):
        raise ValueError(f"{where}: trailing characters in {t!r}")
    for name in re.findall(r"@([A-Za-z0-9~]+)", t):
        if name not in defs:
            raise ValueError(f"{where}: dangling @{name}")


def self_check(name: str, entry: dict) -> None:
    defs = entry.get("defs", {})

    def props(p: dict, where: str) -> None:
        for k, v in p.items():
            check_type(v if isinstance(v, str) else v[0], defs, f"{where}.{k}")

    props(entry["p"], name)
    for d, body in defs.items():
        props(body["p"], f"{name}#{d}")
    for k, v in entry.get("a", {}).items():
        check_type(v, defs, f"{name} attribute {k}")


# --------------------------------------------------------------------------
# driver


def cfnlint_data() -> tuple[Path, str]:
    try:
        import cfnlint
        from importlib.metadata import version
    except ImportError:
        sys.exit("error: cfn-lint is not installed in this Python (see docs/schemas.md)")
    have = version("cfn-lint")
    if have != CFN_LINT_VERSION:
        sys.exit(f"error: cfn-lint {CFN_LINT_VERSION} is required, this Python has {have}")
    return Path(cfnlint.__file__).resolve().parent / "data" / "schemas", have


def build_entries() -> tuple[dict[str, dict], str]:
    """Compact form of every us-east-1 type, and the schema date."""
    from cfnlint.schema import Schema

    data, _ = cfnlint_data()
    schema_date = json.loads((data / "version.json").read_text())["schema_date"]
    providers = json.loads((data / "providers" / f"{REGION}.json").read_text())
    entries: dict[str, dict] = {}
    for type_name in sorted(providers):
        raw = json.loads((data / "resources" / f"{providers[type_name]}.json").read_text())
        try:
            get_atts = dict(Schema(copy.deepcopy(raw)).get_atts.data)
        except Exception as e:  # fall back to the plain readOnlyProperties
            print(f"warning: {type_name}: cfn-lint get_atts failed ({e}); using readOnlyProperties", file=sys.stderr)
            get_atts = {
                ".".join(p.split("/")[2:]): p for p in raw.get("readOnlyProperties", []) if isinstance(p, str)
            }
        entry = Converter(type_name, raw).convert(get_atts)
        self_check(type_name, entry)
        entries[type_name] = entry
    return entries, schema_date


def encode(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def deflate(raw: bytes) -> bytes:
    """Raw deflate by Zopfli: its zlib container without the 2-byte header and the Adler-32."""
    z = zopfli.zopfli.compress(raw, numiterations=ZOPFLI_ITERATIONS, gzip_mode=0)
    out = z[2:-4]
    assert zlib.decompress(out, -15) == raw, "zopfli's stream inflates to the input"
    return out


# The resource types that the standard library declares (stdlib/*.cvl, 2026-11-22): most projects
# use mostly these. They fill the first blocks, so that a build inflates a few blocks rather than
# the first half of a block for each type it checks: canvalo inflates 284 KB instead of 656 KB,
# for 1 KB more data. A type missing from the list only costs speed, never correctness.
COMMON_TYPES = frozenset((
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Model",
    "AWS::ApiGateway::RequestValidator",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::UsagePlan",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Deployment",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::CloudFront::CachePolicy",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::MonitoringSubscription",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::ResponseHeadersPolicy",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard",
    "AWS::CodeBuild::Project",
    "AWS::CodePipeline::Pipeline",
    "AWS::CodeStarConnections::Connection",
    "AWS::CodeStarNotifications::NotificationRule",
    "AWS::Cognito::IdentityPool",
    "AWS::Cognito::IdentityPoolPrincipalTag",
    "AWS::Cognito::IdentityPoolRoleAttachment",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::DynamoDB::Table",
    "AWS::EC2::EIP",
    "AWS::EC2::FlowLog",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::NatGateway",
    "AWS::EC2::Route",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::Subnet",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPC",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::ECR::Repository",
    "AWS::ECS::Cluster",
    "AWS::ECS::Service",
    "AWS::ECS::TaskDefinition",
    "AWS::EFS::AccessPoint",
    "AWS::EFS::FileSystem",
    "AWS::EFS::MountTarget",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::KMS::Key",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBProxy",
    "AWS::RDS::DBProxyTargetGroup",
    "AWS::RDS::DBSubnetGroup",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
    "AWS::SNS::TopicPolicy",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::SecretTargetAttachment",
))


def layout_order(entries: dict[str, dict]) -> list[str]:
    """The order of the types in the blocks: COMMON_TYPES first, then the rest; each by name."""
    return sorted(entries, key=lambda name: (name not in COMMON_TYPES, name))


def write(out: Path, entries: dict[str, dict], schema_date: str) -> dict[str, int]:
    """Write the data file, its index and the NOTICE; return sizes.

    resources.bin (all integers little-endian):
      MAGIC, u32 type count, u32 block count,
      per block: u32 offset of its deflate stream (from the start of the
        blob), u32 compressed length, u32 raw length;
      per type, in the order of the blocks: u16 name length, name (UTF-8),
        u32 length of its JSON;
      then the blob: one raw-deflate stream per block.
    A block holds the compact JSON of consecutive types (at least
    BLOCK_TARGET bytes, except the last), so looking a type up inflates at
    most one block, and only up to the end of that type. The types of
    COMMON_TYPES fill the first blocks (see layout_order), the others follow
    by name. A type's block and offset are not stored: the reader adds up the
    lengths, moving to the next block where a block's raw length is reached
    (8 KB less gzipped wasm than storing them).
    """
    out.mkdir(parents=True, exist_ok=True)
    blocks: list[list[bytes]] = [[]]
    block_len = 0
    type_table, raws = [], {}
    for name in layout_order(entries):
        raw = encode(entries[name])
        if block_len >= BLOCK_TARGET:
            blocks.append([])
            block_len = 0
        nb = name.encode()
        type_table.append(struct.pack("<H", len(nb)) + nb + struct.pack("<I", len(raw)))
        raws[name] = raw
        blocks[-1].append(raw)
        block_len += len(raw)
    index_lines, raw_total = [], 0
    for name in sorted(entries):
        raw = raws[name]
        raw_total += len(raw)
        index_lines.append(f"{name}\t{len(raw)}\t{hashlib.sha256(raw).hexdigest()[:16]}\n")
    block_table, streams, offset = [], [], 0
    for parts in blocks:
        raw = b"".join(parts)
        z = deflate(raw)
        block_table.append(struct.pack("<III", offset, len(z), len(raw)))
        streams.append(z)
        offset += len(z)
    data = (
        MAGIC
        + struct.pack("<II", len(entries), len(blocks))
        + b"".join(block_table)
        + b"".join(type_table)
        + b"".join(streams)
    )
    (out / DATA_FILE).write_bytes(data)
    (out / INDEX_FILE).write_text(
        "# type\tjson bytes\tsha256/16 of the json. For reviewing diffs only: the compiler reads resources.bin.\n"
        + "".join(index_lines)
    )
    (out / NOTICE_FILE).write_text(
        f"Derived from the CloudFormation resource provider schemas bundled with "
        f"cfn-lint {CFN_LINT_VERSION} (MIT-0), schema_date {schema_date}.\n"
        f"Region {REGION}: {len(entries)} resource types. "
        f"Generated by scripts/gen-cfn-schemas.py (deflate: zopfli {zopfli.__version__}, {ZOPFLI_ITERATIONS} iterations); see docs/schemas.md.\n"
    )
    return {"types": len(entries), "blocks": len(blocks), "json_bytes": raw_total, "file_bytes": len(data)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    ap.add_argument("--jsonl", type=Path, help="also write the uncompressed `TYPE<TAB>json` lines here (for inspection)")
    args = ap.parse_args(argv)
    entries, schema_date = build_entries()
    sizes = write(args.out, entries, schema_date)
    if args.jsonl:
        with open(args.jsonl, "wb") as f:
            for name in sorted(entries):
                f.write(name.encode() + b"\t" + encode(entries[name]) + b"\n")
    print(
        f"{sizes['types']} types in {sizes['blocks']} blocks; {sizes['json_bytes']:,} bytes of JSON, "
        f"{DATA_FILE} {sizes['file_bytes']:,} bytes -> {os.path.relpath(args.out)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
