//! Binary records of resource types, as `build.rs` writes them for native builds (its module
//! docs give the layout), read back into the [`RawType`] that the type's JSON decodes to. A
//! record is read with no JSON parsing: lengths, then bytes checked as UTF-8.

use super::{Pairs, RawDef, RawProp, RawType};
use serde_json::Value;

/// The type a record holds; an error for a record that is malformed or has bytes left over.
pub(super) fn read(bytes: &[u8]) -> Result<RawType, String> {
    let mut record = Record { bytes, pos: 0 };
    let ty = record
        .ty()
        .ok_or_else(|| format!("a malformed record (at byte {})", record.pos))?;
    if record.pos != bytes.len() {
        return Err(format!(
            "{} bytes after the record",
            bytes.len() - record.pos
        ));
    }
    Ok(ty)
}

/// A record being read: every reader returns `None` at the first thing out of place.
struct Record<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl Record<'_> {
    fn ty(&mut self) -> Option<RawType> {
        let d = self.opt_str()?;
        let p = self.pairs(Self::prop)?;
        let (r, c, ro) = (self.strs()?, self.strs()?, self.strs()?);
        let a = self.pairs(Self::str)?;
        let (ap, id) = (self.strs()?, self.strs()?);
        let tg = match self.byte()? {
            0 => None,
            1 => Some(Value::Bool(true)),
            2 => Some(Value::String(self.str()?)),
            _ => return None,
        };
        let defs = self.pairs(|record| {
            Some(RawDef {
                p: record.pairs(Self::prop)?,
                r: record.strs()?,
            })
        })?;
        Some(RawType {
            d,
            p,
            r,
            c,
            ro,
            a,
            ap,
            id,
            tg,
            defs,
        })
    }

    fn prop(&mut self) -> Option<RawProp> {
        match self.byte()? {
            0 => Some(RawProp::Type(self.str()?)),
            1 => {
                let t = self.str()?;
                let e = match self.byte()? {
                    0 => None,
                    1 => Some(self.strs()?),
                    _ => return None,
                };
                let d = self.opt_str()?;
                Some(RawProp::Full { t, e, d })
            }
            _ => None,
        }
    }

    fn pairs<V>(&mut self, mut value: impl FnMut(&mut Self) -> Option<V>) -> Option<Pairs<V>> {
        let n = self.uint()?;
        // every entry takes a byte at least: a wrong count cannot reserve more than that
        let mut pairs = Vec::with_capacity(n.min(self.left()));
        for _ in 0..n {
            let name = self.str()?;
            pairs.push((name, value(self)?));
        }
        Some(Pairs(pairs))
    }

    fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.uint()?;
        let mut strs = Vec::with_capacity(n.min(self.left()));
        for _ in 0..n {
            strs.push(self.str()?);
        }
        Some(strs)
    }

    fn opt_str(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.str()?)),
            _ => None,
        }
    }

    fn str(&mut self) -> Option<String> {
        let n = self.uint()?;
        let end = self.pos.checked_add(n)?;
        let s = std::str::from_utf8(self.bytes.get(self.pos..end)?).ok()?;
        self.pos = end;
        Some(s.to_owned())
    }

    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(byte)
    }

    /// Unsigned LEB128, at most five bytes (32 bits).
    fn uint(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            n |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    /// The record of a type with a doc, a property of each form, an attribute, tags through a
    /// property and a definition, byte by byte as `build.rs` writes it.
    fn sample() -> Vec<u8> {
        let mut r = vec![1, 3, b'D', b'o', b'c']; // doc "Doc"
        r.extend([2, 1, b'A', 0, 1, b's']); // properties: A: "s"
        r.extend([1, b'B', 1, 4, b'L', b'<', b's', b'>', 1, 1, 1, b'x', 0]); // B: L<s>, enum [x]
        r.extend([1, 1, b'A', 0, 0]); // required [A]; no create-only or read-only
        r.extend([1, 3, b'A', b'r', b'n', 1, b's', 0, 0]); // attribute Arn: s; no patterns, ids
        r.extend([2, 4, b'T', b'a', b'g', b's']); // tags through `Tags`
        r.extend([1, 1, b'X', 1, 1, b'K', 0, 1, b'i', 0]); // definition X { K: i }
        r
    }

    #[test]
    fn a_record_reads_back_what_was_written() {
        let ty = read(&sample()).expect("a record");
        assert_eq!(ty.d.as_deref(), Some("Doc"));
        let names: Vec<&str> = ty.p.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert!(
            matches!(&ty.p.0[1].1, super::RawProp::Full { t, e: Some(e), d: None } if t == "L<s>" && e == &["x"])
        );
        assert_eq!(ty.r, ["A"]);
        assert_eq!(ty.a.0, [("Arn".to_string(), "s".to_string())]);
        assert_eq!(ty.tg, Some(serde_json::Value::String("Tags".into())));
        assert_eq!(ty.defs.0.len(), 1);
        let rt = ty.into_resource_type("AWS::Test::Thing").expect("a type");
        assert!(rt.properties["A"].required);
        assert_eq!(rt.tag_property.as_deref(), Some("Tags"));
    }

    /// Every prefix of a record, and a record with a byte changed anywhere, reads as an error or
    /// as some type, never a panic; a prefix is always an error.
    #[test]
    fn truncated_or_damaged_records_are_errors_not_panics() {
        let record = sample();
        for end in 0..record.len() {
            assert!(read(&record[..end]).is_err(), "a prefix of {end} bytes");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert!(read(&longer).is_err(), "a byte left over");
        for at in 0..record.len() {
            for byte in [0, 1, 2, 0x7f, 0x80, 0xff] {
                let mut damaged = record.clone();
                damaged[at] = byte;
                let _ = read(&damaged);
            }
        }
        // a count far past the data reserves nothing unreasonable
        assert!(read(&[0, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    }
}
