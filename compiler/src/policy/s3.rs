//! S3 buckets: a public access block with all four flags (`s3-public-access`), and default
//! encryption written out (`s3-encryption`).

use super::{Context, Finding, Place, Seg, as_bool, get, items, key_path};
use crate::diagnostic::Code;

const FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for r in cx
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::S3::Bucket")
    {
        match r.prop("PublicAccessBlockConfiguration") {
            None => out.push(Finding::new(
                Code::S3PublicAccess,
                r.index,
                Place::Property(key_path(&["PublicAccessBlockConfiguration"])),
                format!("bucket `{}` does not block public access", r.name),
                "set `PublicAccessBlockConfiguration` with `BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls` and `RestrictPublicBuckets` true, or use `std.s3.SecureBucket`",
            )),
            Some(block) => {
                let off: Vec<&str> = FLAGS.iter().copied().filter(|f| get(block, f).and_then(as_bool) != Some(true)).collect();
                if let Some(first) = off.first() {
                    let place = if get(block, first).is_some() {
                        Place::Property(key_path(&["PublicAccessBlockConfiguration", first]))
                    } else {
                        Place::Property(key_path(&["PublicAccessBlockConfiguration"]))
                    };
                    let list = off.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
                    out.push(Finding::new(
                        Code::S3PublicAccess,
                        r.index,
                        place,
                        format!("bucket `{}` does not block every kind of public access: {list} not true", r.name),
                        "set all four flags of `PublicAccessBlockConfiguration` to true; serve public content through CloudFront with an origin access control instead",
                    ));
                }
            }
        }
        let encrypted = r
            .prop("BucketEncryption")
            .and_then(|e| get(e, "ServerSideEncryptionConfiguration"))
            .is_some_and(|rules| {
                items(rules).iter().any(|rule| {
                    get(rule, "ServerSideEncryptionByDefault")
                        .and_then(|d| get(d, "SSEAlgorithm"))
                        .is_some()
                })
            });
        if !encrypted {
            let place = Place::Property(vec![Seg::Key("BucketEncryption".into())]);
            out.push(Finding::new(
                Code::S3Encryption,
                r.index,
                place,
                format!("bucket `{}` does not declare its default encryption", r.name),
                "set `BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: \"aws:kms\" } }] }` (or \"AES256\")",
            ));
        }
    }
}
