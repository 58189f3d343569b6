//! Prepares the embedded CloudFormation schemas for the target (see `src/cfn/schema.rs` and
//! `docs/schemas.md`).
//!
//! `src/cfn/schema/resources.bin` keeps its blocks deflated: that is what the playground's wasm
//! must carry (its size is a budget, docs/performance.md). A native binary has no such budget,
//! and inflating was a quarter of a small build's instructions, so for every target but wasm32
//! this script writes the data with its blocks inflated (magic `CVLRAW3\n`): a lookup then reads
//! its type in place. Its type table is sorted by name and says where each type is, so that
//! reading it takes no sorting and one UTF-8 check (reading the deflated form's table was a
//! third of a one-resource build):
//!
//! ```text
//! "CVLRAW3\n"  u32 type count  u32 block count
//! per block:  u32 offset in the blob, u32 length, u32 length (the same: stored)
//! u32 length of the names, then every type name, sorted, one after the other
//! per type, in name order:  u16 name length, u32 block, u32 offset in the block, u32 length
//! blob:  the blocks, inflated
//! ```

use std::path::PathBuf;

const SOURCE: &str = "src/cfn/schema/resources.bin";
const DEFLATED_MAGIC: &[u8] = b"CVLCFN2\n";
const STORED_MAGIC: &[u8] = b"CVLRAW3\n";

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

/// The data with every block inflated, in the stored layout of the module docs: the block
/// table with each block's length equal to its raw length, the type table sorted by name with
/// each type's block and offset, then the raw blocks one after the other.
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

    let mut out = Vec::with_capacity(data.len() + raw_blocks.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(STORED_MAGIC);
    out.extend_from_slice(&rest[..table_start]);
    let mut offset = 0usize;
    for raw in &raw_blocks {
        let n = u32::try_from(raw.len()).map_err(|_| bad("block too large"))?;
        let at = u32::try_from(offset).map_err(|_| bad("data too large"))?;
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        offset += raw.len();
    }
    let names: Vec<u8> = types.iter().flat_map(|t| t.0.iter().copied()).collect();
    let names_len = u32::try_from(names.len()).map_err(|_| bad("names too long"))?;
    out.extend_from_slice(&names_len.to_le_bytes());
    out.extend_from_slice(&names);
    for (name, block, offset, len) in &types {
        let name_len = u16::try_from(name.len()).map_err(|_| bad("name too long"))?;
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&block.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
    }
    for raw in &raw_blocks {
        out.extend_from_slice(raw);
    }
    Ok(out)
}
