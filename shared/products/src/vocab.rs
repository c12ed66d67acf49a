//! The catalog's vocabularies (PROD-1): a product's status (产品状态), category (产品类别)
//! and its document kinds, each with the machine value stored and answered and the
//! labels people read. They are declared with the issuer's product records, which
//! check them, and are the catalog's to use.

pub use zhanye_ingest::vocab::{DocumentKind, ProductCategory, ProductStatus};

#[cfg(test)]
mod tests {
    use super::*;

    /// Filters take what people type: the machine value or the Chinese label.
    #[test]
    fn values_and_labels() {
        let cases: &[(&str, Option<ProductStatus>)] = &[
            ("on_sale", Some(ProductStatus::OnSale)),
            ("在售", Some(ProductStatus::OnSale)),
            (" issuing ", Some(ProductStatus::Issuing)),
            ("到期结束", Some(ProductStatus::Ended)),
            ("ON_SALE", None),
            ("sold", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(ProductStatus::parse_or_label(text), *expected, "{text:?}");
        }
        assert_eq!(
            ProductCategory::parse_or_label("投顾服务类"),
            Some(ProductCategory::Advisory)
        );
        assert_eq!(
            ProductCategory::Information.label_en(),
            "information service"
        );
        assert_eq!(
            DocumentKind::parse("prospectus"),
            Some(DocumentKind::Prospectus)
        );
        assert_eq!(DocumentKind::RiskDisclosure.label_zh(), "风险揭示书");
        // What is stored is only ever the machine value.
        assert_eq!(ProductStatus::parse("在售"), None);
    }
}
