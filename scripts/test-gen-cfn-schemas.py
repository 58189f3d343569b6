#!/usr/bin/env python3
"""Test scripts/gen-cfn-schemas.py: regenerating gives byte-identical data, and the data has the
expected shape. Plain asserts, no pytest; exits non-zero on failure.

    .venv-lint/bin/python scripts/test-gen-cfn-schemas.py
"""

from __future__ import annotations

import importlib.util
import json
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEN = HERE / "gen-cfn-schemas.py"
spec = importlib.util.spec_from_file_location("gen_cfn_schemas", GEN)
assert spec and spec.loader
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

COMMITTED = gen.DEFAULT_OUT
FILES = (gen.DATA_FILE, gen.INDEX_FILE, gen.NOTICE_FILE)


def read_data(path: Path) -> dict[str, dict]:
    """Decode resources.bin the way compiler/src/cfn/schema.rs does."""
    data = path.read_bytes()
    assert data.startswith(gen.MAGIC), "bad magic"
    pos = len(gen.MAGIC)
    ntypes, nblocks = struct.unpack_from("<II", data, pos)
    pos += 8
    blocks = []
    for _ in range(nblocks):
        blocks.append(struct.unpack_from("<III", data, pos))
        pos += 12
    # per type, in block order: its name and JSON length; block and offset follow from the lengths
    types = []
    block, offset = 0, 0
    for _ in range(ntypes):
        (n,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + n].decode()
        pos += 2 + n
        (length,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if offset == blocks[block][2]:
            block, offset = block + 1, 0
        types.append((name, block, offset, length))
        offset += length
        assert offset <= blocks[block][2], "type past its block"
    assert block == len(blocks) - 1 and offset == blocks[-1][2], "types do not fill the blocks"
    blob = pos
    inflated = []
    for offset, clen, rlen in blocks:
        raw = zlib.decompressobj(-15).decompress(data[blob + offset : blob + offset + clen])
        assert len(raw) == rlen, "block length"
        inflated.append(raw)
    assert blob + sum(b[1] for b in blocks) == len(data), "trailing bytes"
    out = {}
    for name, block, offset, length in types:
        out[name] = json.loads(inflated[block][offset : offset + length])
    return dict(sorted(out.items()))


def test_regenerates_byte_identical() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(GEN), "--out", tmp], check=True)
        for name in FILES:
            new, old = (Path(tmp) / name).read_bytes(), (COMMITTED / name).read_bytes()
            if new == old:
                continue
            if name != gen.INDEX_FILE and (Path(tmp) / gen.INDEX_FILE).read_bytes() == (COMMITTED / gen.INDEX_FILE).read_bytes():
                raise AssertionError(
                    f"{name} differs but the JSON of every type is identical (index.tsv hashes match): "
                    f"this zopfli ({gen.zopfli.__version__}) deflates differently from the one named in "
                    f"{gen.NOTICE_FILE}. Regenerate and commit, or use that zopfli."
                )
            raise AssertionError(f"{name} differs from the committed one: run scripts/gen-cfn-schemas.py")
        # And the committed data decodes to the same as a fresh run.
        assert read_data(Path(tmp) / gen.DATA_FILE) == read_data(COMMITTED / gen.DATA_FILE)


def check_types(types: dict[str, dict]) -> None:
    for name, e in types.items():
        gen.self_check(name, e)
        assert e["id"], f"{name}: no primary identifier"
        assert not set(e.get("ro", [])) & set(e["p"]), f"{name}: read-only property in p"
        for key in ("r", "c"):
            assert set(e.get(key, [])) <= set(e["p"]), f"{name}: {key} names an unknown property"
        for d in e.get("defs", {}).values():
            assert set(d.get("r", [])) <= set(d["p"])
        docs = [e.get("d")] + [v[1] for v in e["p"].values() if isinstance(v, list)]
        for doc in docs:
            assert doc is None or (len(doc) <= gen.DOC_MAX and "\n" not in doc and "](" not in doc), doc
        for v in e["p"].values():
            # a property is its type, or [type, doc] or [type, doc, enum]
            assert isinstance(v, str) or (isinstance(v, list) and len(v) in (2, 3)), v
            if isinstance(v, list) and len(v) == 3:
                assert 0 < len(v[2]) <= gen.MAX_ENUM


def test_structure() -> None:
    types = read_data(COMMITTED / gen.DATA_FILE)
    assert len(types) == 1854, len(types)
    assert "Alexa::ASK::Skill" in types
    check_types(types)

    bucket = types["AWS::S3::Bucket"]
    assert bucket["p"]["BucketName"][0] == "s"
    assert "BucketName" not in bucket.get("r", []) and "BucketName" in bucket["c"]
    versioning = bucket["p"]["VersioningConfiguration"][0]
    assert versioning.startswith("@"), versioning
    status_def = bucket["defs"][versioning[1:]]
    assert status_def["r"] == ["Status"]
    assert status_def["p"]["Status"][2] == ["Enabled", "Suspended"]
    assert "Arn" not in bucket["p"] and "Arn" in bucket["ro"] and bucket["a"]["Arn"] == "s"
    assert bucket["tg"] == "Tags"

    assert "GroupDescription" in types["AWS::EC2::SecurityGroup"]["r"]
    assert types["AWS::Lambda::Function"]["a"]["Arn"] == "s"
    assert types["AWS::EC2::VPC"]["a"]["CidrBlockAssociations"] == "L<s>"
    assert types["AWS::CloudFormation::Stack"]["ap"] == ["Outputs\\..*"]
    assert types["AWS::IAM::Role"]["p"]["AssumeRolePolicyDocument"][0] == "j"
    assert types["AWS::IAM::Role"]["p"]["Policies"][0] == "L<@Policy>"


def test_one_line() -> None:
    f = gen.one_line
    assert f(None) is None and f("") is None and f("  \n ") is None
    assert f("See [the docs](https://x.example/a_(b)) now.") == "See the docs now."
    assert f("First line.\n Second line.") == "First line."
    assert f("hard\nwrapped line.") == "hard wrapped line."
    assert f("<p>The <code>x</code> value.</p> <p>More.</p>") == "The `x` value."
    assert f("arn:aws:s3:<region>:<account>") == "arn:aws:s3:<region>:<account>"
    long = "Word " * 60
    assert len(f(long)) <= gen.DOC_MAX and f(long).endswith("\u2026")
    two = "A" * 100 + ". " + "B" * 100 + "."
    assert f(two) == "A" * 100 + "."
    assert f("Short one. Short two.") == "Short one."
    assert f("Uses e.g. a dot inside. Then more.") == "Uses e.g. a dot inside."


def test_type_grammar() -> None:
    for ok in ["s", "L<@A~B>", "M<L<s>>", "i|s", "L<n|s>|j"]:
        assert gen.parse_type(ok) == len(ok), ok
    for bad in ["", "x", "L<s", "@", "ss"]:
        try:
            end = gen.parse_type(bad)
        except ValueError:
            continue
        assert end != len(bad), bad


def main() -> int:
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_") and callable(v)]
    failed = 0
    for t in tests:
        try:
            t()
            print(f"ok   {t.__name__}")
        except Exception as e:  # report every failure, then exit non-zero
            failed += 1
            print(f"FAIL {t.__name__}: {type(e).__name__}: {e}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
