use std::path::Path;

fn main() {
    let dest = Path::new(env!("CARGO_MANIFEST_DIR")).join("wit/deps");
    // Entry names under some locked spin-sdk's `wit/deps`: spin-sdk 7 ships the Spin 3
    // packages a WASI 0.3 component imports, spin-sdk 5.2 the Spin 2 ones a WASI 0.2
    // component imports. What they refer to (e.g. the `wasi:cli` of a Spin 2 world) is
    // vendored with them.
    zhanye_spin_wit::vendor(
        &dest,
        &[
            // spin-sdk 7
            "spin-sqlite@3.1.0",
            "spin-key-value@3.0.0",
            "spin-variables@3.0.0",
            "spin-postgres@4.2.0",
            // spin-sdk 5.2
            "spin@2.0.0",
            "spin-postgres@3.0.0",
            "keyvalue-2024-10-17",
            "wasi-runtime-config-2024-09-27",
        ],
    )
    .unwrap_or_else(|e| panic!("vendoring Spin's WIT failed: {e}"));
    println!("cargo:rerun-if-changed=wit/host.wit");
    println!("cargo:rerun-if-changed=build.rs");
}
