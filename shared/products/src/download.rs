//! How a product document download is named (see `zhanye_platform::attachment`).

/// The `Content-Disposition` of a document `file_name` of product `code` and `kind`: its
/// ASCII fallback is `<code>-<kind>.pdf`.
pub fn content_disposition(code: &str, kind: &str, file_name: &str) -> String {
    zhanye_platform::attachment::content_disposition(file_name, &format!("{code}-{kind}.pdf"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_fall_back_to_code_and_kind() {
        assert_eq!(
            content_disposition("OTC452", "contract", "产品合同.pdf"),
            "attachment; filename=\"OTC452-contract.pdf\"; filename*=UTF-8''%E4%BA%A7%E5%93%81%E5%90%88%E5%90%8C.pdf"
        );
    }
}
