//! Resources that hold data: log groups keep their logs a bounded time (`log-retention`);
//! databases and file systems are encrypted (`storage-encryption`) and backed up
//! (`storage-backups`); in prod they survive the deletion or replacement of their resource
//! (`prod-retain`).

use super::{Context, Finding, Place, Res, as_bool, as_int, as_str, get, key_path};
use crate::diagnostic::Code;

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for r in &cx.resources {
        match r.type_name {
            "AWS::Logs::LogGroup" if r.prop("RetentionInDays").is_none() => out.push(Finding::new(
                Code::LogRetention,
                r.index,
                place_of("RetentionInDays"),
                format!("log group `{}` keeps its logs forever", r.name),
                "set `RetentionInDays` (for example 30, or what your audit rules require)",
            )),
            "AWS::RDS::DBCluster" => rds(r, true, out),
            "AWS::RDS::DBInstance" if r.prop("DBClusterIdentifier").is_none() => rds(r, false, out),
            "AWS::DynamoDB::Table" => {
                let pitr = r.prop("PointInTimeRecoverySpecification");
                if pitr
                    .and_then(|p| get(p, "PointInTimeRecoveryEnabled"))
                    .and_then(as_bool)
                    != Some(true)
                {
                    let place = Place::Property(key_path(&[
                        "PointInTimeRecoverySpecification",
                        "PointInTimeRecoveryEnabled",
                    ]));
                    out.push(Finding::new(
                        Code::StorageBackups,
                        r.index,
                        place,
                        format!("table `{}` has no point-in-time recovery", r.name),
                        "set `PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }`",
                    ));
                }
            }
            "AWS::EFS::FileSystem" => {
                if r.prop("Encrypted").and_then(as_bool) != Some(true) {
                    out.push(Finding::new(
                        Code::StorageEncryption,
                        r.index,
                        place_of("Encrypted"),
                        format!("file system `{}` is not encrypted at rest", r.name),
                        "set `Encrypted: true` (and `KmsKeyId` for a customer-managed key); it cannot be changed after creation",
                    ));
                }
                let status = r
                    .prop("BackupPolicy")
                    .and_then(|p| get(p, "Status"))
                    .and_then(as_str);
                if status != Some("ENABLED") {
                    let place = Place::Property(key_path(&["BackupPolicy", "Status"]));
                    out.push(Finding::new(
                        Code::StorageBackups,
                        r.index,
                        place,
                        format!("file system `{}` is not backed up", r.name),
                        "set `BackupPolicy: { Status: \"ENABLED\" }` (daily AWS Backup, kept 35 days)",
                    ));
                }
            }
            _ => {}
        }
        if cx.prod {
            retain(r, out);
        }
    }
}

/// A property's key when it is written in the resource (even with a null value), the resource
/// otherwise.
fn place_of(key: &str) -> Place {
    Place::Property(key_path(&[key]))
}

fn rds(r: &Res<'_>, cluster: bool, out: &mut Vec<Finding>) {
    let what = if cluster {
        "database cluster"
    } else {
        "database"
    };
    // restored or replicated databases inherit their source's encryption
    let inherits = [
        "SnapshotIdentifier",
        "DBSnapshotIdentifier",
        "DBClusterSnapshotIdentifier",
        "SourceDBInstanceIdentifier",
        "SourceDBClusterIdentifier",
        "ReplicationSourceIdentifier",
    ]
    .iter()
    .any(|k| r.prop(k).is_some());
    let serverless_v1 = r.prop("EngineMode").and_then(as_str) == Some("serverless");
    if !inherits && !serverless_v1 && r.prop("StorageEncrypted").and_then(as_bool) != Some(true) {
        out.push(Finding::new(
            Code::StorageEncryption,
            r.index,
            place_of("StorageEncrypted"),
            format!("{what} `{}` is not encrypted at rest", r.name),
            "set `StorageEncrypted: true` (and `KmsKeyId` for a customer-managed key); it cannot be changed after creation",
        ));
    }
    if r.prop("BackupRetentionPeriod").and_then(as_int) == Some(0) {
        out.push(Finding::new(
            Code::StorageBackups,
            r.index,
            Place::Property(key_path(&["BackupRetentionPeriod"])),
            format!("{what} `{}` keeps no automated backups", r.name),
            "set `BackupRetentionPeriod` to at least 1 (days); 7 or more in prod",
        ));
    }
}

/// Types that hold data, and whether `Snapshot` keeps it (RDS).
fn data_type(r: &Res<'_>) -> Option<bool> {
    match r.type_name {
        "AWS::S3::Bucket"
        | "AWS::DynamoDB::Table"
        | "AWS::DynamoDB::GlobalTable"
        | "AWS::EFS::FileSystem"
        | "AWS::Logs::LogGroup" => Some(false),
        "AWS::RDS::DBCluster" => Some(true),
        // an instance of a cluster holds no data of its own
        "AWS::RDS::DBInstance" if r.prop("DBClusterIdentifier").is_none() => Some(true),
        _ => None,
    }
}

fn retain(r: &Res<'_>, out: &mut Vec<Finding>) {
    let Some(snapshot_ok) = data_type(r) else {
        return;
    };
    let kept = |key: &str| match r.option(key).and_then(as_str) {
        Some("Retain") => true,
        Some("Snapshot") => snapshot_ok,
        _ => false,
    };
    let missing: Vec<&'static str> = ["DeletionPolicy", "UpdateReplacePolicy"]
        .into_iter()
        .filter(|k| !kept(k))
        .collect();
    let Some(&first) = missing.first() else {
        return;
    };
    let list = missing
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let value = if snapshot_ok {
        "\"Retain\" (or \"Snapshot\")"
    } else {
        "\"Retain\""
    };
    out.push(Finding::new(
        Code::ProdRetain,
        r.index,
        Place::Option(first),
        format!("`{}` holds prod data but its {list} {} not {value}", r.name, if missing.len() == 1 { "is" } else { "are" }),
        "add `with { DeletionPolicy: \"Retain\", UpdateReplacePolicy: \"Retain\" }` (for example `if env == \"prod\" { \"Retain\" } else { \"Delete\" }`)",
    ));
}
