//! The generated org tree (HQ → regions → branches → teams) and its staff: each team
//! has one lead, each branch one branch manager, a few HQ administrators, everyone
//! else a rep. Brokers' codes are `A` + 7 digits, employees' `00` + 5 digits.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::names::{self, CITIES, REGIONS, ROADS};
use super::rng::{Rng, spread};

/// One `org-units` record.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_code: Option<String>,
}

/// One `staff` record.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub code: String,
    pub name: String,
    pub unit_code: String,
    pub position: &'static str,
    pub roles: Vec<&'static str>,
    pub gender: &'static str,
    pub birth_date: String,
    pub mobile: String,
    pub email: String,
    pub id_number: String,
}

impl Member {
    /// The initial password: the birth date's eight digits (AUTH-2).
    pub fn initial_password(&self) -> String {
        self.birth_date.replace('-', "")
    }

    pub fn is_plain_rep(&self) -> bool {
        self.roles == ["rep"]
    }
}

/// The generated org.
#[derive(Debug, Clone)]
pub struct Org {
    pub units: Vec<Unit>,
    pub staff: Vec<Member>,
}

impl Org {
    /// The staff who own customers: plain reps, in code order of creation.
    pub fn reps(&self) -> Vec<&Member> {
        self.staff.iter().filter(|m| m.is_plain_rep()).collect()
    }
}

/// The smallest staff a tree can be made of: an HQ administrator, a branch manager, a
/// lead and a rep.
pub const MIN_STAFF: usize = 4;

fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => n.to_string(),
    }
}

/// An 18-digit mainland ID number with its check digit (GB 11643); `sequence` is the
/// 3-digit order number, odd for men and even for women.
pub fn id_number(region_code: &str, birth: NaiveDate, sequence: u32) -> String {
    let body = format!(
        "{region_code}{}{:03}",
        birth.format("%Y%m%d"),
        sequence % 1000
    );
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize] as char)
}

/// A 3-digit order number for person `n`: odd for men, even for women.
pub fn order_number(n: u64, male: bool) -> u32 {
    (n % 450) as u32 * 2 + 100 + u32::from(male)
}

/// A birth date for someone `min_age..=max_age` years old on `today`.
pub fn birth_date(rng: &mut Rng, today: NaiveDate, min_age: i64, max_age: i64) -> NaiveDate {
    let year = today.year() - rng.range(min_age, max_age) as i32;
    NaiveDate::from_ymd_opt(year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
        .expect("a valid day")
}

/// The tree and staff for `staff` people (at least [`MIN_STAFF`]).
pub fn generate(seed: u64, staff: usize, today: NaiveDate) -> Org {
    let staff = staff.max(MIN_STAFF);
    let hq_admins = if staff >= 50 { 3 } else { 1 };
    let teams = ((staff - hq_admins) / 10).max(1);
    let branches = teams.div_ceil(4);
    let regions = branches.div_ceil(8);
    let reps = staff - hq_admins - branches - teams;

    let mut units = vec![Unit {
        code: "HQ".into(),
        name: "总部".into(),
        kind: "hq",
        parent_code: None,
    }];
    for r in 0..regions {
        let base = REGIONS[r % REGIONS.len()];
        let name = match r / REGIONS.len() {
            0 => format!("{base}地区"),
            n => format!("{base}第{}地区", chinese_number(n + 1)),
        };
        units.push(Unit {
            code: format!("R-G{:02}", r + 1),
            name,
            kind: "region",
            parent_code: Some("HQ".into()),
        });
    }
    let branch_road = |b: usize| ROADS[(b / CITIES.len() + b * 7) % ROADS.len()];
    for b in 0..branches {
        let city = &CITIES[b % CITIES.len()];
        units.push(Unit {
            code: format!("B-G{:04}", b + 1),
            name: format!("{}{}营业部", city.name, branch_road(b)),
            kind: "branch",
            parent_code: Some(format!("R-G{:02}", b * regions / branches + 1)),
        });
    }
    let mut team_codes = Vec::with_capacity(teams);
    let mut in_branch = vec![0usize; branches];
    for t in 0..teams {
        let b = t * branches / teams;
        in_branch[b] += 1;
        let code = format!("T-G{:04}-{}", b + 1, in_branch[b]);
        units.push(Unit {
            code: code.clone(),
            name: format!("{}财富{}组", branch_road(b), chinese_number(in_branch[b])),
            kind: "team",
            parent_code: Some(format!("B-G{:04}", b + 1)),
        });
        team_codes.push((code, b));
    }

    let mut members = Vec::with_capacity(staff);
    let mut employees = 0usize;
    let mut brokers = 0usize;
    let mut person = |unit_code: String,
                      branch: Option<usize>,
                      position: &'static str,
                      roles: Vec<&'static str>,
                      broker: bool| {
        let n = members.len() as u64;
        let mut rng = Rng::stream(seed, "staff", n);
        let code = if broker {
            brokers += 1;
            format!("A{:07}", 1_000_000 + brokers)
        } else {
            employees += 1;
            format!("00{:05}", 20_000 + employees)
        };
        let male = rng.chance(0.55);
        let birth = birth_date(&mut rng, today, 23, 58);
        let city = &CITIES[branch.unwrap_or(0) % CITIES.len()];
        members.push(Member {
            email: format!("{}@zhanye.example", code.to_ascii_lowercase()),
            code,
            name: names::person(&mut rng, male),
            unit_code,
            position,
            roles,
            gender: if male { "male" } else { "female" },
            birth_date: birth.format("%Y-%m-%d").to_string(),
            mobile: format!("139{:08}", spread(n, 100_000_000)),
            id_number: id_number(city.region_code, birth, order_number(n, male)),
        });
    };
    for _ in 0..hq_admins {
        person("HQ".into(), None, "总部营销管理岗", vec!["hq_admin"], false);
    }
    for b in 0..branches {
        let unit = format!("B-G{:04}", b + 1);
        person(
            unit,
            Some(b),
            "营业部经理",
            vec!["branch_manager", "broker_admin"],
            false,
        );
    }
    for (code, b) in &team_codes {
        person(
            code.clone(),
            Some(*b),
            "营销经理",
            vec!["lead", "rep"],
            false,
        );
    }
    const REP_POSITIONS: [&str; 3] = ["经纪人", "客户经理", "投资顾问"];
    for r in 0..reps {
        let (code, b) = &team_codes[r % teams];
        // Four in five reps are brokers.
        let broker = r % 5 != 4;
        person(
            code.clone(),
            Some(*b),
            REP_POSITIONS[r % REP_POSITIONS.len()],
            vec!["rep"],
            broker,
        );
    }
    Org {
        units,
        staff: members,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn every_team_has_one_lead_and_every_branch_one_manager() {
        let org = generate(42, 1000, today());
        assert_eq!(org.staff.len(), 1000);
        let kinds = |k: &str| org.units.iter().filter(|u| u.kind == k).count();
        assert_eq!((kinds("hq"), kinds("team")), (1, 99));
        assert_eq!(kinds("branch"), 25);
        assert_eq!(kinds("region"), 4);
        let mut leads: BTreeMap<&str, usize> = BTreeMap::new();
        let mut managers: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &org.staff {
            if m.roles.contains(&"lead") {
                *leads.entry(&m.unit_code).or_default() += 1;
            }
            if m.roles.contains(&"branch_manager") {
                *managers.entry(&m.unit_code).or_default() += 1;
            }
        }
        for unit in &org.units {
            match unit.kind {
                "team" => assert_eq!(leads.get(unit.code.as_str()), Some(&1), "{}", unit.code),
                "branch" => assert_eq!(managers.get(unit.code.as_str()), Some(&1)),
                _ => {}
            }
        }
        // Parents come before their children, and each is of the kind above.
        for (i, unit) in org.units.iter().enumerate() {
            if let Some(parent) = &unit.parent_code {
                let p = org.units[..i].iter().find(|u| &u.code == parent).unwrap();
                let above = ["hq", "region", "branch", "team"];
                let at = above.iter().position(|k| *k == unit.kind).unwrap();
                assert_eq!(p.kind, above[at - 1]);
            }
        }
        assert_eq!(org.reps().len(), 1000 - 3 - 25 - 99);
    }

    #[test]
    fn codes_and_identities_have_their_shapes() {
        let org = generate(1, 200, today());
        let mut codes: Vec<&str> = org.staff.iter().map(|m| m.code.as_str()).collect();
        for m in &org.staff {
            let shaped = (m.code.len() == 8 && m.code.starts_with('A'))
                || (m.code.len() == 7 && m.code.starts_with("00"));
            assert!(shaped, "{}", m.code);
            assert_eq!(m.id_number.len(), 18);
            assert_eq!(&m.id_number[6..14], m.initial_password());
            assert_eq!(m.mobile.len(), 11);
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 200);
        // The standard's own example.
        let birth = NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
        assert_eq!(id_number("110105", birth, 2), "11010519491231002X");
        assert_eq!(id_number("110105", birth, 3), "110105194912310038");
        assert_eq!(order_number(3, true) % 2, 1);
        assert_eq!(order_number(3, false) % 2, 0);
        assert_eq!(chinese_number(2), "二");
        assert_eq!(chinese_number(12), "十二");
    }
}
