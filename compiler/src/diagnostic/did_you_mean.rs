//! "Did you mean": the closest known name by edit distance, written once for every diagnostic.

/// The known name closest to `wrong`, if it is close enough to be a plausible typo
/// (case-insensitive match, or an edit distance of at most a third of the length).
pub fn closest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in known {
        if candidate == wrong {
            continue;
        }
        let distance = if candidate.to_lowercase() == wrong_lower {
            0
        } else {
            edit_distance(&wrong_lower, &candidate.to_lowercase())
        };
        let limit = (wrong.chars().count().max(candidate.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// `did you mean `x`?`, or nothing.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, known).map(|name| format!("did you mean `{name}`?"))
}

/// Levenshtein distance over characters, with a bound on the work: long strings are compared
/// only when their lengths are close.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 8 || a.len() > 200 || b.len() > 200 {
        return usize::MAX;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_plausible_name() {
        let known = ["BucketName", "BucketEncryption", "Tags"];
        assert_eq!(closest("BucketNam", known), Some("BucketName"));
        assert_eq!(closest("bucketname", known), Some("BucketName"));
        assert_eq!(closest("Zzzzzz", known), None);
    }
}
