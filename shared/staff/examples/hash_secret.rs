//! Prints the argon2id hash of each argument, as stored for passwords and ID numbers
//! (for writing seed data): `cargo run -p zhanye-staff --example hash_secret -- 19820718`.
//! Salts are derived from the secret's position so reruns print the same text.

fn main() {
    for (i, secret) in std::env::args().skip(1).enumerate() {
        let mut salt = *b"zhanye-demo-salt";
        salt[15] = b'a' + (i % 26) as u8;
        println!("{secret}\t{}", zhanye_staff::password::hash(&secret, &salt));
    }
}
