//! Stable diagnostic codes. Tests, editors and scripts match on these, never on the wording.
//! Each code is declared once here with its documentation; `docs/diagnostics.md` lists them all
//! (a test keeps the two in step).

macro_rules! codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
        /// A stable, kebab-case diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The code as users see it: `unknown-property`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )+ }
            }

            /// The documentation of the code (its doc comment).
            pub fn doc(self) -> &'static str {
                match self { $( Code::$variant => concat!($($doc, "\n"),+).trim_ascii(), )+ }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )+ _ => None }
            }
        }
    };
}

codes! {
    // ---- syntax
    /// The text does not follow the grammar: the message says what was expected and what was found.
    SyntaxError = "syntax-error",
    /// A string literal contains an escape sequence that cvl does not know (`\q`).
    InvalidEscape = "invalid-escape",
    /// An integer literal does not fit in 64 bits.
    IntegerOverflow = "integer-overflow",
    /// Expressions or types are nested deeper than the compiler allows (256 levels).
    NestingTooDeep = "nesting-too-deep",

    // ---- names and modules
    /// A name is used that is not declared in scope. The help suggests the closest known name.
    UnresolvedName = "unresolved-name",
    /// An import names a file or standard-library module that does not exist.
    UnresolvedImport = "unresolved-import",
    /// Files import each other in a cycle; the message names the cycle.
    ImportCycle = "import-cycle",
    /// The same name is declared twice in one scope.
    DuplicateDefinition = "duplicate-definition",
    /// A declaration appears where it is not allowed (for example a `stack` inside a component,
    /// or a `param` in an imported module).
    MisplacedDeclaration = "misplaced-declaration",
    /// Functions or lets refer to themselves, directly or through others. cvl has no recursion,
    /// so that every build terminates.
    Recursion = "recursion",

    // ---- types
    /// A value's type is not the type that is expected here.
    TypeMismatch = "type-mismatch",
    /// A record has no field of this name. The help suggests the closest field.
    UnknownField = "unknown-field",
    /// A record or component instance lacks a field that has no default.
    MissingField = "missing-field",
    /// A `match` does not cover every value of its literal union; the message lists the missing ones.
    NonExhaustiveMatch = "non-exhaustive-match",
    /// A `match` arm can never be chosen: its literal is not in the union, or is covered earlier.
    UnreachableArm = "unreachable-arm",
    /// A call passes the wrong number of arguments.
    WrongArgumentCount = "wrong-argument-count",
    /// Something that is not a function is called, or a function is instantiated like a component.
    NotCallable = "not-callable",
    /// A component instance is used outside a `let` of a stack or component, where its resources
    /// would have no logical ID.
    MisplacedInstance = "misplaced-instance",
    /// A deploy-time value (a `Ref`, `GetAtt`, pseudo parameter...) is used where the value must
    /// be known at build time: a condition, a comparison, arithmetic, a list index.
    DeployTimeValue = "deploy-time-value",

    // ---- params
    /// `NAME=VALUE` names a param that the project does not declare.
    UnknownParam = "unknown-param",
    /// A param value is not of the param's type; the message lists the allowed values.
    InvalidParamValue = "invalid-param-value",
    /// A param without a default was not given a value.
    MissingParam = "missing-param",

    // ---- evaluation
    /// A `check` failed at build time; the labels show the values involved.
    CheckFailed = "check-failed",
    /// Evaluation took more steps than the budget allows (a runaway comprehension).
    StepBudgetExceeded = "step-budget-exceeded",
    /// Integer division or remainder by zero.
    DivisionByZero = "division-by-zero",
    /// Arithmetic overflowed 64-bit integers.
    ArithmeticOverflow = "arithmetic-overflow",
    /// A list index is outside the list, or a map has no such key.
    IndexOutOfBounds = "index-out-of-bounds",
    /// A value was null where a value was required (for example `x.field` on a null `x`).
    NullValue = "null-value",
    /// A list, string or template grew past the size cvl allows.
    LimitExceeded = "limit-exceeded",
    /// A built-in function got an argument it cannot work with (for example `cidr` with a bad block).
    InvalidArgument = "invalid-argument",

    // ---- CloudFormation
    /// Two resources, outputs or exports would get the same logical ID or name.
    LogicalIdCollision = "logical-id-collision",
    /// A logical ID would not be alphanumeric or would be longer than 255 characters.
    InvalidLogicalId = "invalid-logical-id",
    /// Stacks refer to each other in a cycle; the message names the cycle.
    StackCycle = "stack-cycle",
    /// A project declares no stack and no resources: there is nothing to build.
    NoStacks = "no-stacks",
    /// A resource type is not a CloudFormation type. The help suggests the closest one.
    UnknownResourceType = "unknown-resource-type",
    /// A resource has no property of this name. The help suggests the closest property.
    UnknownProperty = "unknown-property",
    /// A property that CloudFormation computes (read-only) is written as input.
    ReadOnlyProperty = "read-only-property",
    /// A required property of a resource (or of a nested property type) is missing.
    MissingRequiredProperty = "missing-required-property",
    /// A property's value is not one of the values the schema allows.
    InvalidEnumValue = "invalid-enum-value",
    /// `resource.Attr` names an attribute that the resource type does not have (`Fn::GetAtt`).
    UnknownAttribute = "unknown-attribute",
    /// A resource option after `with` is not one of DependsOn, DeletionPolicy, UpdateReplacePolicy,
    /// Condition, Metadata, or has the wrong type.
    InvalidResourceOption = "invalid-resource-option",
    /// A template exceeds one of CloudFormation's quotas (500 resources, 200 outputs, 200 parameters, 1 MB body).
    TemplateQuota = "template-quota",

    // ---- policy pack (warnings by default; see docs/policy.md)
    /// An S3 bucket does not block public access with all four flags of
    /// `PublicAccessBlockConfiguration`. One wrong ACL or bucket policy would then publish its
    /// objects. Fix: set `BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls` and
    /// `RestrictPublicBuckets` to true (`std.s3.SecureBucket` does).
    S3PublicAccess = "s3-public-access",
    /// An S3 bucket has no `BucketEncryption`. S3 encrypts new buckets with its own keys by
    /// default, but the template should say so, so that reviewers see the choice and KMS can be
    /// chosen where reads must be audited. Fix: set `BucketEncryption` (SSE-S3 `AES256` or
    /// `aws:kms`).
    S3Encryption = "s3-encryption",
    /// A security group admits the whole internet (`0.0.0.0/0` or `::/0`) on a port other than
    /// 80 and 443, such as SSH or a database port. Fix: admit a narrower CIDR or another security
    /// group, or serve the port through a load balancer.
    SgOpenToWorld = "sg-open-to-world",
    /// An IAM policy statement allows `*` actions, a whole sensitive service (`iam:*`, `kms:*`,
    /// `secretsmanager:*`, `s3:*`), or actions of a sensitive service on `*` resources. A leaked
    /// credential then reaches far more than the workload needs. Fix: list the actions and the
    /// resource ARNs the workload uses.
    IamWildcard = "iam-wildcard",
    /// A CloudWatch log group has no `RetentionInDays`: its logs are kept, and paid for,
    /// forever. Fix: set `RetentionInDays` (for example 30, or what your audit rules require).
    LogRetention = "log-retention",
    /// A database (RDS cluster or instance) or file system (EFS) is not encrypted at rest.
    /// Encryption cannot be turned on later without a copy. Fix: set `StorageEncrypted: true`
    /// (RDS) or `Encrypted: true` (EFS).
    StorageEncryption = "storage-encryption",
    /// A database or file system has no backups: RDS with `BackupRetentionPeriod: 0`, a DynamoDB
    /// table without point-in-time recovery, an EFS file system without a backup policy. Fix:
    /// keep backups (`BackupRetentionPeriod` of at least 1,
    /// `PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }`,
    /// `BackupPolicy: { Status: "ENABLED" }`).
    StorageBackups = "storage-backups",
    /// A load balancer has an HTTPS listener and also an HTTP listener that forwards traffic
    /// instead of redirecting it, so clients can talk to the service in clear text. Fix: make the
    /// HTTP listener's default action a `redirect` to HTTPS (port 443, `HTTP_301`).
    LbHttpForward = "lb-http-forward",
    /// A property named like a password, secret or token has a plain string value: the secret
    /// is in the template, in the repository and in CloudFormation's console for everyone with
    /// read access. Fix: use `secret("name", "key")` or `ssm("/path")` (dynamic references), a
    /// `NoEcho` stack param, or let the service generate it (`ManageMasterUserPassword`).
    PlainSecret = "plain-secret",
    /// A stack of the project declares `tags`, but this taggable resource ends up without any:
    /// its stack declares none (or cvl cannot apply them to its type) and it sets none itself.
    /// Costs and ownership cannot be traced. Fix: add `tags { ... }` to its stack, or give the
    /// resource its own tags.
    UntaggedResource = "untagged-resource",
    /// In a prod build (the `env` param contains "prod"), a resource that holds data (S3 bucket,
    /// RDS, DynamoDB, EFS, log group) would be deleted with its stack or on replacement. Fix: set
    /// `DeletionPolicy` and `UpdateReplacePolicy` to `"Retain"` after `with` (`"Snapshot"` is
    /// also accepted for RDS).
    ProdRetain = "prod-retain",
    /// A `// cvl-allow:` comment does not name a policy code, names an unknown one, or gives no
    /// reason. Every suppression must say why the finding does not apply. Fix: write
    /// `// cvl-allow: <code> <reason>` on the line before the resource or property.
    InvalidSuppression = "invalid-suppression",
    /// The project's `let policy = { ... }` record is malformed: not a record, an unknown policy
    /// code, or a severity other than `"error"`, `"warning"` or `"off"`. Fix: correct the entry
    /// as the message says.
    InvalidPolicy = "invalid-policy",

    // ---- command line and IO (reported by the front ends)
    /// A file could not be read or written.
    IoError = "io-error",
    /// Formatting was refused and the file left as it is: it has syntax errors (fix those first),
    /// or its formatted text would not parse back to the same program (a bug in the formatter).
    /// `cvl fmt` reports the second case as an error; the language server reports either case as a
    /// warning on the file until the next edit.
    FormatRefused = "format-refused",
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_kebab_case() {
        for &code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(code));
            // kebab-case: lower-case words (digits allowed after the first letter, as in `s3`)
            let name = code.as_str();
            assert!(name.starts_with(|c: char| c.is_ascii_lowercase()), "{name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
            assert!(!code.doc().is_empty());
        }
    }
}
