//! Lists: `?page=&page_size=` in, `{items, total, page, page_size}` out.

use serde::Serialize;

use crate::problem::{ApiError, FieldError, Localized, reason};
use crate::query::QueryParams;

/// Which page of a list the client asked for. `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageQuery {
    pub page: u32,
    pub page_size: u32,
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            page: 1,
            page_size: Self::DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageQuery {
    pub const DEFAULT_PAGE_SIZE: u32 = 20;
    pub const MAX_PAGE_SIZE: u32 = 200;

    /// Reads `page` (default 1, at least 1) and `page_size` (default 20, 1 to 200) from
    /// a query string. An absent or empty parameter takes its default; anything else
    /// that is not a whole number in range is a 422 `validation_failed` naming the field.
    pub fn from_query(query: Option<&str>) -> Result<Self, ApiError> {
        Self::from_params(&QueryParams::parse(query))
    }

    /// As [`PageQuery::from_query`], from parameters already parsed.
    pub fn from_params(params: &QueryParams) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let page = read(params, "page", 1, u32::MAX, 1, &mut errors);
        let page_size = read(
            params,
            "page_size",
            1,
            Self::MAX_PAGE_SIZE,
            Self::DEFAULT_PAGE_SIZE,
            &mut errors,
        );
        if errors.is_empty() {
            Ok(PageQuery { page, page_size })
        } else {
            Err(ApiError::validation(errors))
        }
    }

    /// Rows to skip: `(page - 1) * page_size`, for SQL `OFFSET`.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.page_size)
    }

    /// Rows to take, for SQL `LIMIT`.
    pub fn limit(&self) -> u32 {
        self.page_size
    }
}

fn read(
    params: &QueryParams,
    name: &str,
    min: u32,
    max: u32,
    default: u32,
    errors: &mut Vec<FieldError>,
) -> u32 {
    let Some(text) = params.get_non_empty(name) else {
        return default;
    };
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(FieldError::new(name, reason::INVALID_FORMAT));
        return default;
    }
    match text.parse::<u32>() {
        Ok(value) if (min..=max).contains(&value) => value,
        _ => {
            errors.push(FieldError::new(name, reason::OUT_OF_RANGE));
            default
        }
    }
}

/// One page of a list, as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// All matching items, over every page; with `total_capped`, at least this many.
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    /// Set when counting stopped at a cap (a search over millions of rows): there are
    /// more than `total`, and the client should narrow the search. Absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total_capped: bool,
}

impl<T> Page<T> {
    /// The page `query` asks for of `total` items. A page past the last one (other than
    /// page 1 of an empty list) is refused: 422 on `page`, naming how many pages there are.
    pub fn new(items: Vec<T>, total: u64, query: PageQuery) -> Result<Self, ApiError> {
        if query.page > 1 && query.offset() >= total {
            let pages = total.div_ceil(u64::from(query.page_size.max(1)));
            return Err(
                ApiError::invalid_field("page", reason::OUT_OF_RANGE).with_detail(Localized::new(
                    format!("页码超出范围：共 {pages} 页。"),
                    format!("The page is out of range: there are {pages} pages."),
                )),
            );
        }
        Ok(Page {
            items,
            total,
            page: query.page,
            page_size: query.page_size,
            total_capped: false,
        })
    }

    /// Marks `total` as a lower bound (see `total_capped`).
    pub fn capped(mut self, capped: bool) -> Self {
        self.total_capped = capped;
        self
    }

    /// Converts the items, keeping the paging.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            page_size: self.page_size,
            total_capped: self.total_capped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: &ApiError) -> Vec<(&str, &str)> {
        error
            .field_errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect()
    }

    #[test]
    fn parses_pages() {
        let ok: &[(Option<&str>, u32, u32)] = &[
            (None, 1, 20),
            (Some(""), 1, 20),
            (Some("page=&page_size="), 1, 20),
            (Some("page=3"), 3, 20),
            (Some("page_size=50"), 1, 50),
            (Some("page=2&page_size=200"), 2, 200),
            (Some("page_size=1"), 1, 1),
            (Some("page=007"), 7, 20),
            (Some("q=x&page=4294967295"), u32::MAX, 20),
        ];
        for (query, page, page_size) in ok {
            let parsed = PageQuery::from_query(*query).unwrap();
            assert_eq!(
                (parsed.page, parsed.page_size),
                (*page, *page_size),
                "{query:?}"
            );
        }
    }

    #[test]
    fn rejects_bad_pages() {
        let bad: &[(&str, &[(&str, &str)])] = &[
            ("page_size=201", &[("page_size", "out_of_range")]),
            ("page_size=0", &[("page_size", "out_of_range")]),
            ("page=0", &[("page", "out_of_range")]),
            ("page=-1", &[("page", "invalid_format")]),
            ("page=1.5", &[("page", "invalid_format")]),
            ("page=abc", &[("page", "invalid_format")]),
            // Spaces are part of the value: only `page=` is the default.
            ("page=+7+", &[("page", "invalid_format")]),
            ("page=%0D", &[("page", "invalid_format")]),
            ("page=99999999999", &[("page", "out_of_range")]),
            ("page_size=1e3", &[("page_size", "invalid_format")]),
            (
                "page=x&page_size=1000",
                &[("page", "invalid_format"), ("page_size", "out_of_range")],
            ),
        ];
        for (query, expected) in bad {
            let error = PageQuery::from_query(Some(query)).unwrap_err();
            assert_eq!(error.code, "validation_failed", "{query}");
            assert_eq!(error.status.as_u16(), 422, "{query}");
            assert_eq!(fields(&error), *expected, "{query}");
        }
    }

    #[test]
    fn offset_and_limit() {
        let q = PageQuery {
            page: 3,
            page_size: 50,
        };
        assert_eq!((q.offset(), q.limit()), (100, 50));
        assert_eq!(PageQuery::default().offset(), 0);
        let last = PageQuery {
            page: u32::MAX,
            page_size: 200,
        };
        assert_eq!(last.offset(), (u64::from(u32::MAX) - 1) * 200);
    }

    #[test]
    fn pages_past_the_last_are_refused() {
        let at = |page, total| {
            Page::new(
                Vec::<u8>::new(),
                total,
                PageQuery {
                    page,
                    page_size: 20,
                },
            )
            .map(|p| p.page)
        };
        assert_eq!(at(1, 0).unwrap(), 1);
        assert_eq!(at(2, 21).unwrap(), 2);
        assert_eq!(at(3, 40).unwrap_err().code, "validation_failed");
        assert_eq!(
            at(2, 20).unwrap_err().status,
            http::StatusCode::UNPROCESSABLE_ENTITY
        );
        let error = at(9, 41).unwrap_err();
        assert_eq!(error.field_errors[0].field, "page");
        assert!(format!("{error:?}").contains("3"), "{error:?}");
    }

    #[test]
    fn page_serialises_as_the_list_shape() {
        let page = Page::new(
            vec!["a", "b"],
            42,
            PageQuery {
                page: 2,
                page_size: 2,
            },
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::json!({"items": ["a", "b"], "total": 42, "page": 2, "page_size": 2})
        );
        let lengths = page.map(str::len);
        assert_eq!(lengths.items, vec![1, 1]);
        assert_eq!(lengths.total, 42);
    }
}
