//! Embeds the built web client (`web/dist`, made by `npm run build` in `web/`) into the
//! component: one entry per file with its content type, cache policy, ETag and, for
//! text, a gzip copy. Without a `dist` folder the component still builds and serves a
//! page saying how to build the client.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dist = manifest_dir.join("../../web/dist");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", dist.display());

    let mut files = Vec::new();
    if dist.is_dir() {
        collect(&dist, &dist, &mut files);
    } else {
        println!(
            "cargo:warning=web/dist is missing: run `npm ci && npm run build` in web/ (the component's build command does)"
        );
        let page = out_dir.join("not-built.html");
        std::fs::write(&page, NOT_BUILT).unwrap();
        files.push(("/index.html".to_string(), page));
    }
    files.sort();

    let mut code = String::from("static ASSETS: &[Asset] = &[\n");
    for (index, (url_path, file)) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", file.display());
        let body = std::fs::read(file).unwrap();
        let etag = format!("\"{}\"", &hex(&Sha256::digest(&body))[..20]);
        let content_type = content_type(url_path);
        let gzip = if compressible(content_type) && body.len() > 512 {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(&body).unwrap();
            let packed = encoder.finish().unwrap();
            (packed.len() < body.len()).then(|| {
                let path = out_dir.join(format!("asset-{index}.gz"));
                std::fs::write(&path, packed).unwrap();
                path
            })
        } else {
            None
        };
        let gzip = match gzip {
            Some(p) => format!("Some(include_bytes!({:?}))", p.display().to_string()),
            None => "None".to_string(),
        };
        writeln!(
            code,
            "    Asset {{ path: {url_path:?}, content_type: {content_type:?}, etag: {etag:?}, body: include_bytes!({:?}), gzip: {gzip} }},",
            file.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("assets.rs"), code).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).unwrap();
            let url: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push((format!("/{}", url.join("/")), path));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("txt") => "text/plain; charset=utf-8",
        Some("map") => "application/json",
        _ => "application/octet-stream",
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/manifest+json")
        || content_type.starts_with("image/svg+xml")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Zhanye</title></head><body><h1>展业 Zhanye</h1><p>The web client is not built: run <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>, then build this component again.</p></body></html>\n";
