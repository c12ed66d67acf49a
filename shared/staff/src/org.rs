//! ORG-1 org-unit paths. A unit's path lists the ids from the root down, `/1/2/4/8/`;
//! the units under it (itself included) are exactly the paths in [`subtree_range`].

/// The half-open range `[low, high)` of paths in the subtree rooted at `path`, for a
/// `path >= ?1 AND path < ?2` index range scan (a `LIKE 'prefix%'` would not use the
/// index under SQLite's default case-insensitive LIKE).
pub fn subtree_range(path: &str) -> (String, String) {
    // Paths end in '/'; the next byte after '/' is '0', so every path that starts with
    // `path` sorts below `path` with its last '/' raised to '0'.
    let mut high = path.to_owned();
    if high.pop() == Some('/') {
        high.push('0');
    } else {
        high = format!("{path}0");
    }
    (path.to_owned(), high)
}

/// Whether `path` lies in the subtree rooted at `root` (itself included).
pub fn is_within(path: &str, root: &str) -> bool {
    root.ends_with('/') && path.starts_with(root)
}

/// The unit ids on a path, root first.
pub fn path_ids(path: &str) -> Vec<i64> {
    path.split('/')
        .filter(|part| !part.is_empty())
        .filter_map(|part| part.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_ranges_cover_exactly_the_subtree() {
        let (low, high) = subtree_range("/1/2/");
        let inside = ["/1/2/", "/1/2/4/", "/1/2/4/8/", "/1/2/99/"];
        let outside = ["/1/", "/1/20/", "/1/3/", "/1/21/4/", "/10/2/"];
        for path in inside {
            assert!(low.as_str() <= path && path < high.as_str(), "{path}");
            assert!(is_within(path, "/1/2/"), "{path}");
        }
        for path in outside {
            assert!(!(low.as_str() <= path && path < high.as_str()), "{path}");
            assert!(!is_within(path, "/1/2/"), "{path}");
        }
    }

    #[test]
    fn ids_on_a_path() {
        assert_eq!(path_ids("/1/2/4/8/"), vec![1, 2, 4, 8]);
        assert_eq!(path_ids("/"), Vec::<i64>::new());
    }
}
