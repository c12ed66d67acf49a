//! The demo's default schemes (README, "The default assessment scheme") are valid.

use zhanye_assessment::{Rank, SchemeRules};

const DEMO: &str = include_str!("../../../demo/0003_assessment_schemes.sql");

#[test]
fn every_rank_has_a_valid_default_scheme() {
    let mut ranks = Vec::new();
    for line in DEMO.lines() {
        let line = line.trim();
        if let Some(rank) = line.strip_prefix("('").and_then(|l| l.split('\'').next()) {
            ranks.push(Rank::parse(rank).expect("a rank key"));
        }
        if let Some(json) = line.strip_prefix("'{").and_then(|l| l.strip_suffix("',")) {
            let rules: SchemeRules = serde_json::from_str(&format!("{{{json}"))
                .unwrap_or_else(|e| panic!("{e}: {json}"));
            assert_eq!(rules.check(), vec![], "{json}");
        }
    }
    assert_eq!(ranks, Rank::ALL);
}
