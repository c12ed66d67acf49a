//! The demo staff's stored hashes really are their initial passwords (the birth date,
//! AUTH-2) and their ID numbers, so the README's sign-in instructions hold.

use zhanye_staff::identity::verify_id;
use zhanye_staff::password::{initial_password, verify};

const DEMO: &str = include_str!("../../../demo/0002_org_and_staff.sql");
const MANIFEST: &str = include_str!("../../../spin.toml");
/// The demo default of the `pii_key` variable in spin.toml.
const DEMO_PII_KEY: &str = "demo-pii-key-7d3b0c9a61e2f458a9c3e1";

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

/// The first quoted text starting with `prefix` after `('code',` in `section`.
fn stored_after(section: &str, code: &str, prefix: &str) -> String {
    let start = section
        .find(&format!("('{code}',"))
        .unwrap_or_else(|| panic!("{code} not in the demo data"));
    let rest = &section[start..];
    let found = rest.find(&format!("'{prefix}")).expect("a stored secret") + 1;
    let value = &rest[found..];
    value[..value.find('\'').expect("closing quote")].to_owned()
}

#[test]
fn demo_hashes_match_birth_dates_and_id_numbers() {
    let (staff, credentials) = DEMO
        .split_once("INSERT INTO credentials")
        .expect("a credentials insert");
    for (code, birth, id_number) in STAFF {
        let birth = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
        let password_hash = stored_after(credentials, code, "$argon2id$");
        assert!(
            verify(&initial_password(birth), &password_hash),
            "{code}: password hash is not the birth date"
        );
        assert!(
            !verify("888888", &password_hash),
            "{code}: matches something else"
        );
        assert!(
            verify_id(
                DEMO_PII_KEY.as_bytes(),
                id_number,
                &stored_after(staff, code, "hmac-sha256:")
            ),
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

#[test]
fn the_demo_pii_key_is_the_manifest_default() {
    assert!(MANIFEST.contains(&format!("pii_key = {{ default = \"{DEMO_PII_KEY}\"")));
}
