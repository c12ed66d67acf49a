//! CUST-3 客户业绩: a customer's figures for one month, each total the sum of its parts.

use serde::Serialize;
use zhanye_money::Money;

/// One month of a customer's performance, in yuan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MonthlyPerformance {
    /// 总资产 = the five parts below.
    pub total_assets: Money,
    /// 普通资产.
    pub normal_assets: Money,
    /// 融资融券期末资产.
    pub margin_assets: Money,
    /// 报价回购期末保有量.
    pub repo_holding: Money,
    /// 浮动收益产品期末保有量.
    pub floating_holding: Money,
    /// 量化产品保有量.
    pub quant_holding: Money,
    /// 日均资产.
    pub daily_average_assets: Money,
    /// 总交易量 = normal + collateral + credit.
    pub total_volume: Money,
    /// 普通交易量.
    pub normal_volume: Money,
    /// 融资融券担保品交易量.
    pub collateral_volume: Money,
    /// 融资融券信用交易量.
    pub credit_volume: Money,
    /// 总净佣金 = normal + collateral + credit.
    pub total_commission: Money,
    /// 普通净佣金.
    pub normal_commission: Money,
    /// 担保净佣金.
    pub collateral_commission: Money,
    /// 信用净佣金.
    pub credit_commission: Money,
}

impl MonthlyPerformance {
    /// The totals that are not the sum of their parts, by field name.
    pub fn mismatched_totals(&self) -> Vec<&'static str> {
        let sum = |parts: &[Money]| parts.iter().fold(Money::ZERO, |a, b| a + *b);
        let mut wrong = Vec::new();
        if self.total_assets
            != sum(&[
                self.normal_assets,
                self.margin_assets,
                self.repo_holding,
                self.floating_holding,
                self.quant_holding,
            ])
        {
            wrong.push("total_assets");
        }
        if self.total_volume
            != sum(&[
                self.normal_volume,
                self.collateral_volume,
                self.credit_volume,
            ])
        {
            wrong.push("total_volume");
        }
        if self.total_commission
            != sum(&[
                self.normal_commission,
                self.collateral_commission,
                self.credit_commission,
            ])
        {
            wrong.push("total_commission");
        }
        wrong
    }

    /// The amounts in stored column order (see `customer_months`).
    pub fn columns(&self) -> [(&'static str, Money); 15] {
        [
            ("total_assets", self.total_assets),
            ("normal_assets", self.normal_assets),
            ("margin_assets", self.margin_assets),
            ("repo_holding", self.repo_holding),
            ("floating_holding", self.floating_holding),
            ("quant_holding", self.quant_holding),
            ("daily_average_assets", self.daily_average_assets),
            ("total_volume", self.total_volume),
            ("normal_volume", self.normal_volume),
            ("collateral_volume", self.collateral_volume),
            ("credit_volume", self.credit_volume),
            ("total_commission", self.total_commission),
            ("normal_commission", self.normal_commission),
            ("collateral_commission", self.collateral_commission),
            ("credit_commission", self.credit_commission),
        ]
    }

    /// Builds one from amounts in [`columns`](Self::columns) order.
    pub fn from_columns(amounts: [Money; 15]) -> MonthlyPerformance {
        let [
            total_assets,
            normal_assets,
            margin_assets,
            repo_holding,
            floating_holding,
            quant_holding,
            daily_average_assets,
            total_volume,
            normal_volume,
            collateral_volume,
            credit_volume,
            total_commission,
            normal_commission,
            collateral_commission,
            credit_commission,
        ] = amounts;
        MonthlyPerformance {
            total_assets,
            normal_assets,
            margin_assets,
            repo_holding,
            floating_holding,
            quant_holding,
            daily_average_assets,
            total_volume,
            normal_volume,
            collateral_volume,
            credit_volume,
            total_commission,
            normal_commission,
            collateral_commission,
            credit_commission,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    #[test]
    fn the_seed_row_adds_up_and_a_wrong_one_is_named() {
        // 客户业绩 #201408 from the seed's customer page.
        let mut row = MonthlyPerformance {
            total_assets: yuan("512127.19"),
            normal_assets: yuan("512127.19"),
            total_volume: yuan("30492.0"),
            normal_volume: yuan("30492.0"),
            total_commission: yuan("6.48"),
            normal_commission: yuan("6.48"),
            ..MonthlyPerformance::default()
        };
        assert!(row.mismatched_totals().is_empty());
        row.margin_assets = yuan("0.01");
        row.credit_commission = yuan("1");
        assert_eq!(
            row.mismatched_totals(),
            ["total_assets", "total_commission"]
        );
        let amounts = row.columns().map(|(_, m)| m);
        assert_eq!(MonthlyPerformance::from_columns(amounts), row);
    }
}
