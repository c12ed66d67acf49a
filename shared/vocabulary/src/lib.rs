//! Closed vocabularies (封闭取值): each closed list of values the app stores, such as a
//! customer's status or a trade's side, is one type declared with [`vocabulary!`]. The
//! type carries the machine value that is stored, sent and answered, and the zh / en
//! labels people read; the [`Vocabulary`] trait lets code that only checks values (the
//! partner webhooks) take any of them.
//!
//! This crate sits below every other Zhanye crate, so each vocabulary can be declared
//! in the lowest crate that needs it and re-exported by the crate that owns the concept.

#[doc(hidden)]
pub use serde as __serde;

/// A closed list of values.
pub trait Vocabulary: Copy + Eq + core::fmt::Debug + 'static {
    /// Every value, in the order declared.
    const ALL: &'static [Self];

    /// The machine value, as stored and exchanged.
    fn as_str(self) -> &'static str;

    /// The Chinese label.
    fn label_zh(self) -> &'static str;

    /// The English label.
    fn label_en(self) -> &'static str;

    /// The value whose machine value is exactly `text` (no trimming, no labels): what
    /// is stored, what partners send.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == text)
    }

    /// What a person typed: the machine value or the Chinese label, trimmed.
    fn parse_or_label(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == text || v.label_zh() == text)
    }

    /// Every machine value, in the order declared.
    fn values() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.as_str()).collect()
    }
}

/// Declares a vocabulary: an enum whose variants each have a machine value and zh / en
/// labels, with [`Vocabulary`] implemented, the same methods callable without the
/// trait in scope, and serde as the machine value.
///
/// ```
/// zhanye_vocabulary::vocabulary! {
///     /// 买卖方向.
///     Side {
///         /// 买入.
///         Buy = "buy", "买入", "buy";
///         /// 卖出.
///         Sell = "sell", "卖出", "sell";
///     }
/// }
/// assert_eq!(Side::parse("sell"), Some(Side::Sell));
/// assert_eq!(Side::parse_or_label(" 买入 "), Some(Side::Buy));
/// ```
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The machine value, as stored and exchanged.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value,)+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }

            /// The value whose machine value is exactly `text`.
            pub fn parse(text: &str) -> Option<$name> {
                <$name as $crate::Vocabulary>::parse(text)
            }

            /// The machine value or the Chinese label, trimmed.
            pub fn parse_or_label(text: &str) -> Option<$name> {
                <$name as $crate::Vocabulary>::parse_or_label(text)
            }
        }

        impl $crate::Vocabulary for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            fn label_zh(self) -> &'static str {
                $name::label_zh(self)
            }

            fn label_en(self) -> &'static str {
                $name::label_en(self)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as $crate::__serde::Deserialize>::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| {
                    <D::Error as $crate::__serde::de::Error>::unknown_variant(
                        &text,
                        &[$($value,)+],
                    )
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    vocabulary! {
        /// 测试.
        Colour {
            /// 红.
            Red = "red", "红色", "red";
            /// 绿.
            Green = "green", "绿色", "green";
        }
    }

    #[test]
    fn machine_values_and_labels() {
        assert_eq!(Colour::ALL, [Colour::Red, Colour::Green]);
        assert_eq!(Colour::parse("green"), Some(Colour::Green));
        for refused in ["Green", " green", "绿色", ""] {
            assert_eq!(Colour::parse(refused), None, "{refused:?}");
        }
        assert_eq!(Colour::parse_or_label(" 绿色 "), Some(Colour::Green));
        assert_eq!(Colour::parse_or_label(" red\t"), Some(Colour::Red));
        assert_eq!(Colour::parse_or_label("green colour"), None);
        assert_eq!(Colour::Red.label_zh(), "红色");
        assert_eq!(<Colour as Vocabulary>::values(), ["red", "green"]);
        assert_eq!(Colour::Green.to_string(), "green");
    }

    #[test]
    fn serde_uses_the_machine_value() {
        assert_eq!(
            serde_json::to_value(Colour::Green).unwrap(),
            serde_json::json!("green")
        );
        let back: Colour = serde_json::from_value(serde_json::json!("red")).unwrap();
        assert_eq!(back, Colour::Red);
        let error = serde_json::from_value::<Colour>(serde_json::json!("红色")).unwrap_err();
        assert!(error.to_string().contains("unknown variant"), "{error}");
    }
}
