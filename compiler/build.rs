//! Prepares the embedded CloudFormation schemas for the target (see `src/cfn/schema.rs` and
//! `docs/schemas.md`).
//!
//! `src/cfn/schema/resources.bin` keeps its types as compact JSON in deflated blocks: that is
//! what the playground's wasm must carry (its size is a budget, docs/performance.md). A native
//! binary has no such budget. Inflating was a quarter of a small build's instructions and
//! parsing the JSON a fifth of an example's, so for every target but wasm32 this script writes
//! each type as a binary record instead (magic `CVLBIN1\n`), which a lookup reads in place with
//! no inflating and no JSON. Its type table is sorted by name and says where each type is, so
//! that reading it takes no sorting and one UTF-8 check:
//!
//! ```text
//! "CVLBIN1\n"  u32 type count  u32 block count (1)
//! the block:  u32 offset in the blob (0), u32 length, u32 length (the same: stored)
//! u32 length of the names, then every type name, sorted, one after the other
//! per type, in name order:  u16 name length, u32 block (0), u32 offset in the block, u32 length
//! blob:  the records
//! ```
//!
//! A record holds what the JSON holds, in a fixed order (`schema.rs`, `RawType`, reads it back):
//!
//! ```text
//! record   := opt<str> doc · pairs<prop> properties · strs required · strs create-only
//!             · strs read-only · pairs<str> attributes · strs attribute patterns
//!             · strs primary identifier · tags · pairs<def> definitions
//! prop     := 0 str type | 1 str type · opt<strs> enum · opt<str> doc
//! def      := pairs<prop> properties · strs required
//! tags     := 0 (not taggable) | 1 (taggable) | 2 str property (taggable, through it)
//! pairs<x> := n · n × (str name · x)      strs := n · n × str      opt<x> := 0 | 1 x
//! str      := n · n bytes of UTF-8        n := unsigned LEB128
//! ```

use serde_json::Value;
use std::path::PathBuf;

const SOURCE: &str = "src/cfn/schema/resources.bin";
const DEFLATED_MAGIC: &[u8] = b"CVLCFN2\n";
const STORED_MAGIC: &[u8] = b"CVLBIN1\n";

fn main() -> Result<(), String> {
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?);
    let data = std::fs::read(SOURCE).map_err(|e| format!("{SOURCE}: {e}"))?;
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let embedded = if wasm { data } else { stored(&data)? };
    let target = out_dir.join("resources.bin");
    std::fs::write(&target, embedded).map_err(|e| format!("{}: {e}", target.display()))
}

/// The data as binary records, in the stored layout of the module docs: one block, its length
/// equal to its raw length, the type table sorted by name with each type's place, then the
/// records.
fn stored(data: &[u8]) -> Result<Vec<u8>, String> {
    let bad =
        |what: &str| format!("{SOURCE}: {what} (regenerate it with scripts/gen-cfn-schemas.py)");
    let rest = data
        .strip_prefix(DEFLATED_MAGIC)
        .ok_or_else(|| bad("not CVLCFN2 data"))?;
    let u32_at = |pos: usize| -> Result<usize, String> {
        let bytes = rest.get(pos..pos + 4).ok_or_else(|| bad("truncated"))?;
        let bytes: [u8; 4] = bytes.try_into().map_err(|_| bad("truncated"))?;
        usize::try_from(u32::from_le_bytes(bytes)).map_err(|_| bad("length out of range"))
    };
    let (ntypes, nblocks) = (u32_at(0)?, u32_at(4)?);
    let table_start = 8;
    let blocks: Vec<(usize, usize, usize)> = (0..nblocks)
        .map(|b| {
            let at = table_start + 12 * b;
            Ok((u32_at(at)?, u32_at(at + 4)?, u32_at(at + 8)?))
        })
        .collect::<Result<_, String>>()?;
    // the type table, in block order: u16 name length, name, u32 JSON length, per type; a
    // type's block and offset follow from adding the lengths up
    let mut types: Vec<(&[u8], u32, u32, u32)> = Vec::with_capacity(ntypes);
    let mut pos = table_start + 12 * nblocks;
    let (mut block, mut offset) = (0usize, 0usize);
    for _ in 0..ntypes {
        let name_len = rest.get(pos..pos + 2).ok_or_else(|| bad("truncated"))?;
        let name_len = usize::from(u16::from_le_bytes([name_len[0], name_len[1]]));
        let name = rest
            .get(pos + 2..pos + 2 + name_len)
            .ok_or_else(|| bad("truncated"))?;
        let len = u32_at(pos + 2 + name_len)?;
        pos += 2 + name_len + 4;
        if blocks.get(block).is_some_and(|b| offset == b.2) {
            (block, offset) = (block + 1, 0);
        }
        let small = |n: usize| u32::try_from(n).map_err(|_| bad("length out of range"));
        types.push((name, small(block)?, small(offset)?, small(len)?));
        offset += len;
    }
    types.sort_by(|a, b| a.0.cmp(b.0));
    if types.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(bad("a type is listed twice"));
    }
    let blob = rest.get(pos..).ok_or_else(|| bad("truncated"))?;

    let mut raw_blocks = Vec::with_capacity(blocks.len());
    for (i, &(offset, len, raw_len)) in blocks.iter().enumerate() {
        let stream = blob
            .get(offset..offset + len)
            .ok_or_else(|| bad("block out of range"))?;
        let raw = miniz_oxide::inflate::decompress_to_vec(stream)
            .map_err(|e| bad(&format!("block {i} does not inflate: {e:?}")))?;
        if raw.len() != raw_len {
            return Err(bad(&format!(
                "block {i} inflates to {} bytes, not {raw_len}",
                raw.len()
            )));
        }
        raw_blocks.push(raw);
    }

    let mut records = Vec::with_capacity(raw_blocks.iter().map(Vec::len).sum::<usize>());
    let mut places = Vec::with_capacity(types.len());
    for (name, block, offset, len) in &types {
        let json = raw_blocks
            .get(*block as usize)
            .and_then(|raw| raw.get(*offset as usize..(*offset + *len) as usize))
            .ok_or_else(|| bad("a type past its block"))?;
        let value: Value = serde_json::from_slice(json)
            .map_err(|e| bad(&format!("{}: {e}", String::from_utf8_lossy(name))))?;
        let start = records.len();
        record(&value, &mut records)
            .map_err(|e| bad(&format!("{}: {e}", String::from_utf8_lossy(name))))?;
        let small = |n: usize| u32::try_from(n).map_err(|_| bad("data too large"));
        places.push((small(start)?, small(records.len() - start)?));
    }

    let mut out = Vec::with_capacity(records.len() + 64 * types.len());
    out.extend_from_slice(STORED_MAGIC);
    let ntypes = u32::try_from(types.len()).map_err(|_| bad("too many types"))?;
    out.extend_from_slice(&ntypes.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    let blob_len = u32::try_from(records.len()).map_err(|_| bad("data too large"))?;
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&blob_len.to_le_bytes());
    out.extend_from_slice(&blob_len.to_le_bytes());
    let names: Vec<u8> = types.iter().flat_map(|t| t.0.iter().copied()).collect();
    let names_len = u32::try_from(names.len()).map_err(|_| bad("names too long"))?;
    out.extend_from_slice(&names_len.to_le_bytes());
    out.extend_from_slice(&names);
    for ((name, ..), (offset, len)) in types.iter().zip(&places) {
        let name_len = u16::try_from(name.len()).map_err(|_| bad("name too long"))?;
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
    }
    out.extend_from_slice(&records);
    Ok(out)
}

/// A type's JSON (`{"d": doc, "p": properties, "r": required, ...}`, see `schema.rs`) as a
/// binary record (see the module docs). An absent or null member is empty; members the record
/// has no place for are left out, as the JSON decoder ignores them.
fn record(ty: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    let ty = ty.as_object().ok_or("a type is not an object")?;
    let member = |key: &str| ty.get(key).filter(|v| !v.is_null());
    opt_str(member("d"), out)?;
    props(member("p"), out)?;
    for key in ["r", "c", "ro"] {
        strs(member(key), out)?;
    }
    let attributes = pairs(member("a"))?;
    uint(attributes.len(), out);
    for (name, ty) in attributes {
        str(name, out);
        str(
            ty.as_str().ok_or("an attribute's type is not a string")?,
            out,
        );
    }
    for key in ["ap", "id"] {
        strs(member(key), out)?;
    }
    match member("tg") {
        None | Some(Value::Bool(false)) => out.push(0),
        Some(Value::String(property)) => {
            out.push(2);
            str(property, out);
        }
        Some(_) => out.push(1),
    }
    let definitions = pairs(member("defs"))?;
    uint(definitions.len(), out);
    for (name, def) in definitions {
        str(name, out);
        let def = def.as_object().ok_or("a definition is not an object")?;
        let member = |key: &str| def.get(key).filter(|v| !v.is_null());
        props(member("p"), out)?;
        strs(member("r"), out)?;
    }
    Ok(())
}

/// The members of an object, in order; none when absent.
fn pairs(value: Option<&Value>) -> Result<Vec<(&String, &Value)>, String> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(map.iter().collect()),
        Some(_) => Err("not an object".into()),
    }
}

/// Properties: each is its type (`"s"`), `[type, doc, enum]` (doc and enum may be null or
/// absent) or `{"t": type, "e": enum, "d": doc}`.
fn props(value: Option<&Value>, out: &mut Vec<u8>) -> Result<(), String> {
    let properties = pairs(value)?;
    uint(properties.len(), out);
    for (name, property) in properties {
        str(name, out);
        let (ty, enum_values, doc) = match property {
            Value::String(ty) => {
                out.push(0);
                str(ty, out);
                continue;
            }
            Value::Array(items) if (1..=3).contains(&items.len()) => {
                (&items[0], items.get(2), items.get(1))
            }
            Value::Object(map) => (
                map.get("t").ok_or("a property without its type")?,
                map.get("e"),
                map.get("d"),
            ),
            _ => return Err(format!("property {name}: not a type, list or record")),
        };
        out.push(1);
        str(ty.as_str().ok_or("a property's type is not a string")?, out);
        match enum_values.filter(|v| !v.is_null()) {
            None => out.push(0),
            Some(values) => {
                out.push(1);
                strs(Some(values), out)?;
            }
        }
        opt_str(doc.filter(|v| !v.is_null()), out)?;
    }
    Ok(())
}

fn strs(value: Option<&Value>, out: &mut Vec<u8>) -> Result<(), String> {
    let items = match value {
        None => &[][..],
        Some(Value::Array(items)) => items.as_slice(),
        Some(_) => return Err("not a list".into()),
    };
    uint(items.len(), out);
    for item in items {
        str(item.as_str().ok_or("a list member is not a string")?, out);
    }
    Ok(())
}

fn opt_str(value: Option<&Value>, out: &mut Vec<u8>) -> Result<(), String> {
    match value {
        None => out.push(0),
        Some(Value::String(s)) => {
            out.push(1);
            str(s, out);
        }
        Some(_) => return Err("not a string".into()),
    }
    Ok(())
}

fn str(s: &str, out: &mut Vec<u8>) {
    uint(s.len(), out);
    out.extend_from_slice(s.as_bytes());
}

/// Unsigned LEB128: seven bits a byte, low first; the high bit says that more follow.
fn uint(mut n: usize, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}
