//! PROD-2 导出: the current filter's products as a download, with the list screen's
//! Chinese headers (`zhanye_products::export`).
//!
//! - `format=csv` (default) streams: the answer starts at once and each chunk is one
//!   keyset page of [`EXPORT_PAGE_ROWS`] products read when the client is ready for
//!   it, so the instance holds one page at a time whatever the catalog's size.
//! - `format=xlsx` is a real workbook, which `rust_xlsxwriter` builds in memory (a
//!   component has no temporary files): up to [`XLSX_MAX_ROWS`] rows; beyond that the
//!   answer is 422 pointing to CSV. The workbook costs about 2.3 KiB of instance
//!   memory per row: 100,000 rows took 241 MiB and 4.9 s (at the 256 MiB default
//!   limit of an instance), 20,000 rows 40 MiB and 0.5 s (measured with the component's
//!   own log line; bench/README.md).
//!
//! Every export is audited with its filters, format and row count.

use bytes::Bytes;
use http::{HeaderValue, header};
use zhanye_platform::Request;
use zhanye_platform::csv::field;
use zhanye_platform::{
    ApiError, ApiResult, Db, Localized, QueryParams, Reply, ReplyBody, RequestContext,
};
use zhanye_products::Filters;
use zhanye_products::export::{HEADERS, cells, file_name};
use zhanye_products::store::catalog::{self, EXPORT_PAGE_ROWS, ProductSummary};

/// The most rows an XLSX export holds.
pub const XLSX_MAX_ROWS: u64 = 20_000;

const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

/// `GET /api/products/export?format=csv|xlsx&code=&name=&status=&risk=&category=`.
pub async fn export(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let format = match query.get_non_empty("format") {
        None | Some("csv") => Format::Csv,
        Some("xlsx") => Format::Xlsx,
        Some(_) => return Err(ApiError::invalid_field("format", "invalid")),
    };
    let filters = Filters::from_params(&query)?;
    let total = catalog::total(&ctx.db, &filters).await?;
    if format == Format::Xlsx && total > XLSX_MAX_ROWS {
        return Err(ApiError::invalid_field("format", "too_many_rows")
            .with_detail(Localized::new(
                format!(
                    "共 {total} 个产品，超过 Excel 导出上限 {XLSX_MAX_ROWS} 行；请缩小查询范围，或使用 CSV 导出（format=csv，不限行数）。"
                ),
                format!(
                    "{total} products exceed the Excel export's limit of {XLSX_MAX_ROWS} rows; narrow the search, or export CSV (format=csv), which has no limit."
                ),
            ))
            .with_extension("limit", serde_json::json!(XLSX_MAX_ROWS))
            .with_extension("total", serde_json::json!(total)));
    }
    let detail = serde_json::json!({
        "filters": filters.describe(),
        "format": if format == Format::Csv { "csv" } else { "xlsx" },
        "rows": total,
    });
    ctx.db
        .audit(
            &ctx.principal().code,
            "product.export",
            None,
            Some(&detail.to_string()),
        )
        .await?;
    let (extension, content_type, body) = match format {
        Format::Csv => (
            "csv",
            "text/csv; charset=utf-8",
            csv_stream(ctx.db, filters),
        ),
        Format::Xlsx => ("xlsx", XLSX_CONTENT_TYPE, xlsx(&ctx.db, &filters).await?),
    };
    let mut reply = http::Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                file_name(ctx.today, extension)
            ),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .map_err(|e| ApiError::internal(format!("building an export: {e}")))?;
    reply
        .headers_mut()
        .insert("x-total-count", HeaderValue::from(total));
    Ok(reply)
}

/// One CSV line.
fn csv_line(out: &mut String, fields: &[&str]) {
    for (i, value) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(value));
    }
    out.push_str("\r\n");
}

/// Where a streamed export is.
struct Walk {
    db: Db,
    filters: Filters,
    /// The last code sent; `None` before the first page.
    after: Option<String>,
    started: bool,
    done: bool,
}

/// The CSV document (UTF-8 with a byte-order mark, CRLF, RFC 4180, formulas defused,
/// as `zhanye_platform::csv`), one keyset page per chunk.
fn csv_stream(db: Db, filters: Filters) -> ReplyBody {
    let walk = Walk {
        db,
        filters,
        after: None,
        started: false,
        done: false,
    };
    ReplyBody::stream(futures_util::stream::unfold(walk, |mut walk| async move {
        if walk.done {
            return None;
        }
        let mut chunk = String::new();
        if !walk.started {
            walk.started = true;
            chunk.push('\u{feff}');
            csv_line(&mut chunk, &HEADERS);
        }
        let page = catalog::export_page(
            &walk.db,
            &walk.filters,
            walk.after.as_deref(),
            EXPORT_PAGE_ROWS,
        )
        .await;
        let rows = match page {
            Ok(rows) => rows,
            Err(error) => {
                walk.done = true;
                return Some((Err(format!("a products export page: {error}")), walk));
            }
        };
        walk.done = rows.len() < EXPORT_PAGE_ROWS as usize;
        for product in &rows {
            csv_line(&mut chunk, &cells(product));
        }
        walk.after = rows.last().map(|p| p.code.clone());
        Some((Ok(Bytes::from(chunk)), walk))
    }))
}

/// Every product of the filter, page by page.
async fn all_rows(db: &Db, filters: &Filters) -> ApiResult<Vec<ProductSummary>> {
    let mut rows = Vec::new();
    loop {
        let after = rows.last().map(|p: &ProductSummary| p.code.clone());
        let page = catalog::export_page(db, filters, after.as_deref(), EXPORT_PAGE_ROWS).await?;
        let last = page.len() < EXPORT_PAGE_ROWS as usize;
        rows.extend(page);
        if last || rows.len() as u64 > XLSX_MAX_ROWS {
            return Ok(rows);
        }
    }
}

/// The workbook: one sheet 产品列表, bold header row frozen, columns sized for their
/// contents, every cell text (codes and terms are not numbers).
async fn xlsx(db: &Db, filters: &Filters) -> ApiResult<ReplyBody> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let started = std::time::Instant::now();
    let rows = all_rows(db, filters).await?;
    let failed = |e: rust_xlsxwriter::XlsxError| ApiError::internal(format!("xlsx: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("产品列表").map_err(failed)?;
    let bold = CellFormat::new().set_bold();
    for (column, header) in HEADERS.iter().enumerate() {
        let column = column as u16;
        sheet
            .write_string_with_format(0, column, *header, &bold)
            .map_err(failed)?;
        let width = match column {
            1 => 44.0,
            2 | 4 | 5 | 8 => 28.0,
            _ => 12.0,
        };
        sheet.set_column_width(column, width).map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    for (index, product) in rows.iter().enumerate() {
        let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, value) in cells(product).iter().enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string(row, column as u16, *value)
                    .map_err(failed)?;
            }
        }
    }
    let bytes = workbook.save_to_buffer().map_err(failed)?;
    eprintln!(
        "products: xlsx export of {} rows, {} bytes in {} ms, instance memory {} MiB",
        rows.len(),
        bytes.len(),
        started.elapsed().as_millis(),
        linear_memory_mib()
    );
    Ok(ReplyBody::from(bytes))
}

/// The instance's linear memory, which only grows: after the work, its peak.
fn linear_memory_mib() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) * 64 / 1024
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}
