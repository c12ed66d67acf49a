//! Fills `wit/deps` with the WIT package `wit/cron.wit` needs: the repo's own
//! `fermyon:spin-cron`.

use std::path::Path;

fn main() {
    let deps = Path::new(env!("CARGO_MANIFEST_DIR")).join("wit/deps");
    if let Err(error) = zhanye_spin_wit::vendor(&deps, &[]) {
        panic!(
            "cannot vendor the WIT dependencies into {}: {error}",
            deps.display()
        );
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=wit/cron.wit");
}
