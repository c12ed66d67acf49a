//! HOME-1 个人主页 figures: what each customer adds to its owner's month.
//!
//! The figures are kept per staff member and month in `staff_month_stats` and changed
//! by ingest as deltas (subtract what a customer added before, add what it adds now),
//! so the home page reads one row and never scans customers. For month M and the
//! customer's current owner:
//!
//! - lost by the end of M (流失): adds nothing to M's stock or incremental figures;
//!   the month it was lost in counts it once as lost, with its assets when lost;
//! - otherwise, with a CUST-3 row for M:
//!   - opened before M's year (or with no opening date on file): 存量 stock — count,
//!     period-end assets, daily-average assets, net commission (净利润), volume, and
//!     effective (有效户) when its effective date is by M's end;
//!   - opened in M's year, by M's end: 增量 incremental — the same figures, and when
//!     effective by M's end also the effective ones' (增量有效户) figures;
//!   - opened after M: nothing.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zhanye_money::Money;

use crate::month::Month;

/// What HOME-1 needs to know of a customer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CustomerFacts {
    /// 开户日期.
    pub open_date: Option<NaiveDate>,
    /// 转有效.
    pub effective_date: Option<NaiveDate>,
    pub lost_date: Option<NaiveDate>,
    /// Total assets when lost, fen.
    pub lost_assets: i64,
}

/// The parts of a CUST-3 month row HOME-1 adds up, fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthFigures {
    pub total_assets: i64,
    pub daily_average_assets: i64,
    pub volume: i64,
    pub net_commission: i64,
}

/// A change to one `staff_month_stats` row; the fields are its columns, in order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsDelta(pub [i64; 17]);

/// `staff_month_stats` columns, in [`StatsDelta`] order.
pub const STATS_COLUMNS: [&str; 17] = [
    "stock_count",
    "stock_assets",
    "stock_daily_average",
    "stock_net_profit",
    "stock_volume",
    "stock_effective_count",
    "new_count",
    "new_assets",
    "new_net_profit",
    "new_volume",
    "new_effective_count",
    "new_effective_assets",
    "new_effective_daily_average",
    "new_effective_net_profit",
    "new_effective_volume",
    "lost_count",
    "lost_assets",
];

impl StatsDelta {
    pub fn add(&mut self, other: &StatsDelta) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    pub fn negated(&self) -> StatsDelta {
        StatsDelta(self.0.map(|v| -v))
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// What a customer's CUST-3 row for `month` adds to its owner's figures for `month`.
pub fn month_contribution(facts: &CustomerFacts, month: Month, row: &MonthFigures) -> StatsDelta {
    let end = month.last_day();
    let mut d = [0i64; 17];
    if facts.lost_date.is_some_and(|lost| lost <= end) {
        return StatsDelta(d);
    }
    let effective = facts.effective_date.is_some_and(|e| e <= end);
    match facts.open_date {
        Some(open) if open > end => {}
        Some(open) if open.year() == month.year() => {
            d[6..10].copy_from_slice(&[1, row.total_assets, row.net_commission, row.volume]);
            if effective {
                d[10..15].copy_from_slice(&[
                    1,
                    row.total_assets,
                    row.daily_average_assets,
                    row.net_commission,
                    row.volume,
                ]);
            }
        }
        _ => {
            d[0..6].copy_from_slice(&[
                1,
                row.total_assets,
                row.daily_average_assets,
                row.net_commission,
                row.volume,
                i64::from(effective),
            ]);
        }
    }
    StatsDelta(d)
}

/// The month a lost customer counts in (流失客户), and what it adds there.
pub fn lost_contribution(facts: &CustomerFacts) -> Option<(Month, StatsDelta)> {
    let lost = facts.lost_date?;
    let mut d = [0i64; 17];
    d[15] = 1;
    d[16] = facts.lost_assets;
    Some((Month::of(lost), StatsDelta(d)))
}

/// HOME-1 存量客户.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StockCustomers {
    /// 当前客户数.
    pub customer_count: i64,
    /// 存量客户总资产.
    pub total_assets: Money,
    /// 存量客户日均资产.
    pub daily_average_assets: Money,
    /// 存量客户净利润.
    pub net_profit: Money,
    /// 存量客户交易量.
    pub trading_volume: Money,
    /// 当前有效户数.
    pub effective_accounts: i64,
}

/// HOME-1 增量客户.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IncrementalCustomers {
    /// 新增客户数.
    pub new_customers: i64,
    /// 增量客户期末资产.
    pub end_assets: Money,
    /// 增量客户净利润.
    pub net_profit: Money,
    /// 增量客户交易量.
    pub trading_volume: Money,
    /// 转有效户数.
    pub converted_effective: i64,
    /// 增量有效户期末资产.
    pub effective_end_assets: Money,
    /// 增量有效户日均资产.
    pub effective_daily_average_assets: Money,
    /// 增量有效户净利润.
    pub effective_net_profit: Money,
    /// 增量有效户交易量.
    pub effective_trading_volume: Money,
}

/// HOME-1 流失客户.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LostCustomers {
    /// 流失客户数.
    pub customer_count: i64,
    /// 流失客户资产.
    pub assets: Money,
}

/// The three HOME-1 tables for one staff member and month.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HomeFigures {
    pub stock: StockCustomers,
    pub incremental: IncrementalCustomers,
    pub lost: LostCustomers,
}

impl From<&StatsDelta> for HomeFigures {
    fn from(stats: &StatsDelta) -> HomeFigures {
        let v = stats.0;
        let m = Money::from_fen;
        HomeFigures {
            stock: StockCustomers {
                customer_count: v[0],
                total_assets: m(v[1]),
                daily_average_assets: m(v[2]),
                net_profit: m(v[3]),
                trading_volume: m(v[4]),
                effective_accounts: v[5],
            },
            incremental: IncrementalCustomers {
                new_customers: v[6],
                end_assets: m(v[7]),
                net_profit: m(v[8]),
                trading_volume: m(v[9]),
                converted_effective: v[10],
                effective_end_assets: m(v[11]),
                effective_daily_average_assets: m(v[12]),
                effective_net_profit: m(v[13]),
                effective_trading_volume: m(v[14]),
            },
            lost: LostCustomers {
                customer_count: v[15],
                assets: m(v[16]),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    const ROW: MonthFigures = MonthFigures {
        total_assets: 51_212_719,
        daily_average_assets: 50_000_000,
        volume: 3_049_200,
        net_commission: 648,
    };

    #[test]
    fn each_kind_of_customer_lands_in_its_table() {
        let aug = Month::parse("2014-08").unwrap();
        let stock = CustomerFacts {
            open_date: day("2007-09-11"),
            effective_date: day("2008-03-04"),
            ..CustomerFacts::default()
        };
        let new_effective = CustomerFacts {
            open_date: day("2014-02-01"),
            effective_date: day("2014-08-31"),
            ..CustomerFacts::default()
        };
        let new_not_yet = CustomerFacts {
            open_date: day("2014-08-01"),
            effective_date: day("2014-09-01"),
            ..CustomerFacts::default()
        };
        let lost_in_aug = CustomerFacts {
            open_date: day("2010-01-01"),
            lost_date: day("2014-08-15"),
            lost_assets: 1_000,
            ..CustomerFacts::default()
        };
        let opens_later = CustomerFacts {
            open_date: day("2014-09-01"),
            ..CustomerFacts::default()
        };
        let no_open_date = CustomerFacts::default();
        let f = |facts: &CustomerFacts| month_contribution(facts, aug, &ROW).0;
        assert_eq!(
            f(&stock)[..6],
            [1, 51_212_719, 50_000_000, 648, 3_049_200, 1]
        );
        assert!(f(&stock)[6..].iter().all(|v| *v == 0));
        assert_eq!(
            f(&new_effective)[6..15],
            [
                1, 51_212_719, 648, 3_049_200, 1, 51_212_719, 50_000_000, 648, 3_049_200
            ]
        );
        assert_eq!(f(&new_not_yet)[6..11], [1, 51_212_719, 648, 3_049_200, 0]);
        assert!(f(&new_not_yet)[11..].iter().all(|v| *v == 0));
        assert!(f(&lost_in_aug).iter().all(|v| *v == 0));
        assert!(f(&opens_later).iter().all(|v| *v == 0));
        assert_eq!(f(&no_open_date)[0], 1);
        // The same customer, before it was lost, still counts in July.
        let july = Month::parse("2014-07").unwrap();
        assert_eq!(month_contribution(&lost_in_aug, july, &ROW).0[0], 1);
        let (month, delta) = lost_contribution(&lost_in_aug).unwrap();
        assert_eq!((month, delta.0[15], delta.0[16]), (aug, 1, 1_000));
        assert_eq!(lost_contribution(&stock), None);
        // Opened in the January of M's year is incremental; in December before, stock.
        let jan = CustomerFacts {
            open_date: day("2014-01-01"),
            ..CustomerFacts::default()
        };
        let dec = CustomerFacts {
            open_date: day("2013-12-31"),
            ..CustomerFacts::default()
        };
        assert_eq!((f(&jan)[6], f(&dec)[0]), (1, 1));
    }

    #[test]
    fn deltas_add_and_negate_to_nothing() {
        let mut total = StatsDelta::default();
        let one = StatsDelta([3; 17]);
        total.add(&one);
        total.add(&one.negated());
        assert!(total.is_zero());
        let figures = HomeFigures::from(&StatsDelta([1; 17]));
        assert_eq!(figures.stock.total_assets.to_string(), "0.01");
        assert_eq!(STATS_COLUMNS.len(), 17);
    }
}
