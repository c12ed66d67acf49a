//! PROD-1 a product's documents (风险揭示书, 合同, 说明书): read whole for a download
//! (the issuer topic keeps each under 2 MiB), written by the issuer topic.

use zhanye_ingest::topics::products::DocumentRecord;
use zhanye_platform::{ApiError, Db, params};

use crate::vocab::DocumentKind;

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub file_name: String,
    pub content: Vec<u8>,
    pub sha256: String,
    pub updated_at: String,
}

/// The document of `kind` of product `code` (primary key).
pub async fn content(
    db: &Db,
    code: &str,
    kind: DocumentKind,
) -> Result<Option<Document>, ApiError> {
    let Some(row) = db
        .query_row(
            "SELECT file_name, content, sha256, updated_at FROM product_documents \
             WHERE product_code = ?1 AND kind = ?2",
            params![code, kind.as_str()],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Document {
        file_name: row.get("file_name")?,
        content: row.get("content")?,
        sha256: row.get("sha256")?,
        updated_at: row.get("updated_at")?,
    }))
}

/// The document's `sha256` alone (primary key), for a conditional download.
pub async fn digest(db: &Db, code: &str, kind: DocumentKind) -> Result<Option<String>, ApiError> {
    db.query_value(
        "SELECT sha256 FROM product_documents WHERE product_code = ?1 AND kind = ?2",
        params![code, kind.as_str()],
    )
    .await
}

/// Stores a document sent by the issuer; answers whether it changed what was stored.
/// Documents are bound one at a time as blobs: a batch holds few (its body is at most
/// 8 MiB), and SQLite's JSON has no way to carry bytes.
pub async fn put(
    db: &Db,
    code: &str,
    document: &DocumentRecord,
    now: &str,
) -> Result<bool, ApiError> {
    let size = i64::try_from(document.content.len()).unwrap_or(i64::MAX);
    Ok(db
        .execute(
            "INSERT INTO product_documents \
                 (product_code, kind, file_name, content, size, sha256, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (product_code, kind) DO UPDATE SET \
                 file_name = excluded.file_name, content = excluded.content, \
                 size = excluded.size, sha256 = excluded.sha256, updated_at = excluded.updated_at \
             WHERE product_documents.sha256 IS DISTINCT FROM excluded.sha256 \
                OR product_documents.file_name IS DISTINCT FROM excluded.file_name",
            params![
                code,
                document.kind.as_str(),
                document.file_name.as_str(),
                document.content.clone(),
                size,
                document.sha256.as_str(),
                now
            ],
        )
        .await?
        > 0)
}
