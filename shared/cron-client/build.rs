//! Fills `wit/deps` with the WIT packages `wit/cron.wit` needs: `wasi:config` from
//! the spin-sdk crate and the repo's own `fermyon:spin-cron`.

use std::path::Path;

fn main() {
    let deps = Path::new(env!("CARGO_MANIFEST_DIR")).join("wit/deps");
    if let Err(error) = zhanye_spin_wit::vendor(&deps, &["wasi-runtime-config-2024-09-27"]) {
        panic!(
            "cannot vendor the WIT dependencies into {}: {error}",
            deps.display()
        );
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=wit/cron.wit");
}
