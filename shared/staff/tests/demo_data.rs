//! The demo staff's stored hashes really are their initial passwords (the birth date,
//! AUTH-2) and their ID numbers, so the README's sign-in instructions hold.

use zhanye_staff::password::{initial_password, verify};

const DEMO: &str = include_str!("../../../demo/0002_org_and_staff.sql");

/// (code, birth date, ID number), as the README lists them.
const STAFF: &[(&str, &str, &str)] = &[
    ("A0001", "1982-07-18", "310101198207180011"),
    ("A0002", "1990-01-15", "310101199001150022"),
    ("0010001", "1980-05-05", "310101198005050031"),
    ("0010002", "1975-03-03", "310101197503030042"),
    ("0010003", "1970-01-01", "310101197001010051"),
    ("A0003", "1988-11-30", "310101198811300071"),
    ("A0004", "1992-06-08", "440301199206080082"),
];

/// The first argon2id hash after `('code',` in `section`.
fn hash_after(section: &str, code: &str) -> String {
    let start = section
        .find(&format!("('{code}',"))
        .unwrap_or_else(|| panic!("{code} not in the demo data"));
    let rest = &section[start..];
    let hash_start = rest.find("$argon2id$").expect("a hash");
    let hash = &rest[hash_start..];
    hash[..hash.find('\'').expect("closing quote")].to_owned()
}

#[test]
fn demo_hashes_match_birth_dates_and_id_numbers() {
    let (staff, credentials) = DEMO
        .split_once("INSERT INTO credentials")
        .expect("a credentials insert");
    for (code, birth, id_number) in STAFF {
        let birth = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
        let password_hash = hash_after(credentials, code);
        assert!(
            verify(&initial_password(birth), &password_hash),
            "{code}: password hash is not the birth date"
        );
        assert!(
            !verify("888888", &password_hash),
            "{code}: matches something else"
        );
        assert!(
            verify(id_number, &hash_after(staff, code)),
            "{code}: ID verifier does not match"
        );
        assert!(
            staff.contains(&format!(
                "'{}'",
                zhanye_staff::identity::mask_id_number(id_number)
            )),
            "{code}: masked ID number missing"
        );
    }
}
