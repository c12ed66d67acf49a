use std::path::Path;

fn main() {
    let dest = Path::new(env!("CARGO_MANIFEST_DIR")).join("wit/deps");
    zhanye_spin_wit::vendor(
        &dest,
        &[
            "spin-sqlite@3.1.0",
            "spin-key-value@3.0.0",
            "spin-variables@3.0.0",
            "wasi-runtime-config-2024-09-27",
        ],
    )
    .unwrap_or_else(|e| panic!("vendoring Spin's WIT failed: {e}"));
    println!("cargo:rerun-if-changed=wit/host.wit");
    println!("cargo:rerun-if-changed=build.rs");
}
