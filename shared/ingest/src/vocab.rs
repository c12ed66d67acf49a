//! The closed vocabularies of the partners' records that the crates owning them sit
//! above this one: customers (CUST-2, CLASS-1/2/6), products (PROD-1), trades, fund
//! transfers and account events (INTEG-1). Each is declared once, here, checked by
//! the topics and re-exported by its owner (`zhanye_customers::status`,
//! `zhanye_products`); staff and org vocabularies are in `zhanye_staff::vocab`.
//!
//! Grades and levels are stored as their Chinese names, so their machine value is
//! Chinese.

use zhanye_vocabulary::vocabulary;

vocabulary! {
    /// 客户类型.
    CustomerKind {
        /// 个人: new customers' default.
        Individual = "individual", "个人", "individual";
        /// 机构.
        Institution = "institution", "机构", "institution";
    }
}

vocabulary! {
    /// CUST-2 客户状态.
    CustomerStatus {
        /// 潜在客户.
        Potential = "potential", "潜在客户", "potential";
        /// 目标客户.
        Target = "target", "目标客户", "target";
        /// 存量客户: has an account; new customers' default.
        Existing = "existing", "存量客户", "existing";
        /// 流失客户: cancelled, custody transferred away, or closed.
        Lost = "lost", "流失客户", "lost";
    }
}

vocabulary! {
    /// CLASS-1 客户等级, from assets and last year's net commission.
    CustomerGrade {
        /// 金手指: assets ≥ 1,000,000 or commission ≥ 20,000.
        GoldenFinger = "金手指", "金手指", "golden finger";
        /// 金算盘: assets ≥ 200,000 or commission ≥ 5,000.
        GoldenAbacus = "金算盘", "金算盘", "golden abacus";
        /// 金钥匙: the rest.
        GoldenKey = "金钥匙", "金钥匙", "golden key";
    }
}

vocabulary! {
    /// CLASS-2 客户级别.
    CustomerLevel {
        /// VIP.
        Vip = "VIP", "VIP", "VIP";
        /// 核心A.
        CoreA = "核心A", "核心A", "core A";
        /// 核心B.
        CoreB = "核心B", "核心B", "core B";
        /// 潜力.
        Potential = "潜力", "潜力", "potential";
        /// 普通.
        Ordinary = "普通", "普通", "ordinary";
    }
}

vocabulary! {
    /// CLASS-6 风险承受能力, from the opening questionnaire; ordered from the most
    /// cautious.
    #[derive(PartialOrd, Ord)]
    RiskTolerance {
        /// 保守型.
        Conservative = "conservative", "保守型", "conservative";
        /// 稳健型.
        Steady = "steady", "稳健型", "steady";
        /// 进取型.
        Aggressive = "aggressive", "进取型", "aggressive";
    }
}

vocabulary! {
    /// PROD-1 产品状态.
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
    /// PROD-1 产品类别.
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

vocabulary! {
    /// 买卖方向 of a trade.
    TradeSide {
        /// 买入.
        Buy = "buy", "买入", "buy";
        /// 卖出.
        Sell = "sell", "卖出", "sell";
    }
}

vocabulary! {
    /// 转账方向 of a bank–securities fund transfer.
    TransferDirection {
        /// 转入: into the securities account.
        In = "in", "转入", "in";
        /// 转出: out to the bank.
        Out = "out", "转出", "out";
    }
}

vocabulary! {
    /// 账户事件: what the trading partner reports happened to an account. What each
    /// does to the customer is `zhanye_customers`' rule.
    AccountEvent {
        /// 开户.
        Opened = "opened", "开户", "opened";
        /// 转有效.
        Effective = "effective", "转有效", "effective";
        /// 转考核有效.
        AssessmentEffective = "assessment_effective", "转考核有效", "assessment effective";
        /// 销户.
        Cancelled = "cancelled", "销户", "cancelled";
        /// 转托管.
        CustodyTransferred = "custody_transferred", "转托管", "custody transferred";
        /// 关闭.
        Closed = "closed", "关闭", "closed";
        /// 分红.
        Dividend = "dividend", "分红", "dividend";
        /// 配股.
        RightsIssue = "rights_issue", "配股", "rights issue";
        /// 新股中签.
        IpoWin = "ipo_win", "新股中签", "IPO win";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_vocabulary::Vocabulary;

    /// The values partners send, as the topics documented them before these types.
    #[test]
    fn machine_values_are_the_partners_values() {
        assert_eq!(CustomerKind::values(), ["individual", "institution"]);
        assert_eq!(
            CustomerStatus::values(),
            ["potential", "target", "existing", "lost"]
        );
        assert_eq!(CustomerGrade::values(), ["金手指", "金算盘", "金钥匙"]);
        assert_eq!(
            CustomerLevel::values(),
            ["VIP", "核心A", "核心B", "潜力", "普通"]
        );
        assert_eq!(
            RiskTolerance::values(),
            ["conservative", "steady", "aggressive"]
        );
        assert_eq!(ProductStatus::values(), ["on_sale", "issuing", "ended"]);
        assert_eq!(
            ProductCategory::values(),
            ["financial", "information", "advisory"]
        );
        assert_eq!(
            DocumentKind::values(),
            ["risk_disclosure", "contract", "prospectus"]
        );
        assert_eq!(TradeSide::values(), ["buy", "sell"]);
        assert_eq!(TransferDirection::values(), ["in", "out"]);
        assert_eq!(AccountEvent::ALL.len(), 9);
        assert_eq!(
            AccountEvent::parse("custody_transferred"),
            Some(AccountEvent::CustodyTransferred)
        );
        // Only the machine value is a partner's value, not the label.
        assert_eq!(CustomerStatus::parse("存量客户"), None);
        assert_eq!(RiskTolerance::parse("稳健型"), None);
    }
}
