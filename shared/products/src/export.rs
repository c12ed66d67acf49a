//! PROD-2 导出: the columns of an export, CSV or XLSX alike — the list's columns as the
//! product list screen heads them, with the vocabularies in Chinese.

use crate::store::catalog::ProductSummary;

/// The header row.
pub const HEADERS: [&str; 11] = [
    "产品代码",
    "产品名称",
    "管理人",
    "风险等级",
    "产品期限",
    "预期年化收益率",
    "产品起息日",
    "产品到期日",
    "认购起点",
    "产品状态",
    "产品类别",
];

/// One product's cells, in [`HEADERS`] order.
pub fn cells(product: &ProductSummary) -> [&str; 11] {
    fn text(value: &Option<String>) -> &str {
        value.as_deref().unwrap_or("")
    }
    [
        &product.code,
        &product.name,
        &product.manager,
        product.risk.label_zh(),
        text(&product.term),
        text(&product.expected_yield),
        text(&product.value_date),
        text(&product.maturity_date),
        text(&product.min_subscription),
        product.status.label_zh(),
        product.category.label_zh(),
    ]
}

/// The download's file name, by the China-time day: `products-20260310.csv`.
pub fn file_name(day: chrono::NaiveDate, extension: &str) -> String {
    format!("products-{}.{extension}", day.format("%Y%m%d"))
}
