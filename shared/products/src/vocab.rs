//! The catalog's vocabularies (PROD-1): a product's status (产品状态), category (产品类别)
//! and its document kinds, each with the machine value stored and answered and the
//! labels people read.

use zhanye_platform::Lang;

/// Declares a vocabulary: variants with their machine value and zh / en labels.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The machine value, as stored.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value,)+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                lang.pick(self.label_zh(), self.label_en())
            }

            /// The machine value or the Chinese label.
            pub fn parse(text: &str) -> Option<$name> {
                let text = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == text || v.label_zh() == text)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// 产品状态.
    ProductStatus {
        /// 在售.
        OnSale = "on_sale", "在售", "on sale";
        /// 发行中.
        Issuing = "issuing", "发行中", "issuing";
        /// 到期结束.
        Ended = "ended", "到期结束", "ended";
    }
}

vocabulary! {
    /// 产品类别.
    ProductCategory {
        /// 金融类: wealth-management and fund products.
        Financial = "financial", "金融类", "financial";
        /// 资讯服务类.
        Information = "information", "资讯服务类", "information service";
        /// 投顾服务类.
        Advisory = "advisory", "投顾服务类", "advisory service";
    }
}

vocabulary! {
    /// A product's documents, each a PDF.
    DocumentKind {
        /// 风险揭示书.
        RiskDisclosure = "risk_disclosure", "风险揭示书", "risk disclosure";
        /// 合同.
        Contract = "contract", "合同", "contract";
        /// 说明书.
        Prospectus = "prospectus", "说明书", "prospectus";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_ingest::topics::products as issuer;

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
            assert_eq!(ProductStatus::parse(text), *expected, "{text:?}");
        }
        assert_eq!(
            ProductCategory::parse("投顾服务类"),
            Some(ProductCategory::Advisory)
        );
        assert_eq!(
            ProductCategory::Information.label(Lang::En),
            "information service"
        );
        assert_eq!(
            DocumentKind::parse("prospectus"),
            Some(DocumentKind::Prospectus)
        );
        assert_eq!(DocumentKind::RiskDisclosure.label(Lang::ZhCn), "风险揭示书");
    }

    /// The issuer's record checks and these vocabularies say the same.
    #[test]
    fn the_issuer_topic_accepts_exactly_these_values() {
        let values = |all: &[&'static str]| all.to_vec();
        assert_eq!(
            values(&issuer::STATUSES),
            ProductStatus::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            values(&issuer::CATEGORIES),
            ProductCategory::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            values(&issuer::DOCUMENT_KINDS),
            DocumentKind::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
    }
}
