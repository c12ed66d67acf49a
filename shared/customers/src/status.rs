//! The closed vocabularies of a customer record.

/// CUST-2 客户状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerStatus {
    /// 潜在客户.
    Potential,
    /// 目标客户.
    Target,
    /// 存量客户: has an account.
    Existing,
    /// 流失客户: cancelled, custody transferred away, or closed.
    Lost,
}

impl CustomerStatus {
    pub const ALL: [&'static str; 4] = ["potential", "target", "existing", "lost"];

    pub fn parse(text: &str) -> Option<CustomerStatus> {
        Some(match text {
            "potential" => CustomerStatus::Potential,
            "target" => CustomerStatus::Target,
            "existing" => CustomerStatus::Existing,
            "lost" => CustomerStatus::Lost,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Potential => "potential",
            CustomerStatus::Target => "target",
            CustomerStatus::Existing => "existing",
            CustomerStatus::Lost => "lost",
        }
    }
}

/// CUST-5 沟通性质: who started the contact.
pub const CONTACT_NATURES: [&str; 2] = ["active", "passive"];

/// CUST-5 沟通类型: complaint (投诉), inquiry (咨询), general (一般), order (委托).
pub const CONTACT_KINDS: [&str; 4] = ["complaint", "inquiry", "general", "order"];

/// Account events (账户事件) the trading partner sends, and what each does to the
/// customer: the dates of opening and of becoming effective, and losing the customer
/// (INTEG-1, ALERT-1 "actual churn"). Equity events only go on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountEvent {
    /// 开户.
    Opened,
    /// 转有效.
    Effective,
    /// 转考核有效.
    AssessmentEffective,
    /// 销户.
    Cancelled,
    /// 转托管.
    CustodyTransferred,
    /// 关闭.
    Closed,
    /// 分红, 配股, 新股中签.
    Dividend,
    RightsIssue,
    IpoWin,
}

impl AccountEvent {
    pub const ALL: [&'static str; 9] = [
        "opened",
        "effective",
        "assessment_effective",
        "cancelled",
        "custody_transferred",
        "closed",
        "dividend",
        "rights_issue",
        "ipo_win",
    ];

    pub fn parse(text: &str) -> Option<AccountEvent> {
        Some(match text {
            "opened" => AccountEvent::Opened,
            "effective" => AccountEvent::Effective,
            "assessment_effective" => AccountEvent::AssessmentEffective,
            "cancelled" => AccountEvent::Cancelled,
            "custody_transferred" => AccountEvent::CustodyTransferred,
            "closed" => AccountEvent::Closed,
            "dividend" => AccountEvent::Dividend,
            "rights_issue" => AccountEvent::RightsIssue,
            "ipo_win" => AccountEvent::IpoWin,
            _ => return None,
        })
    }

    /// Whether the event loses the customer (status `lost`, HOME-1 流失).
    pub fn loses_customer(self) -> bool {
        matches!(
            self,
            AccountEvent::Cancelled | AccountEvent::CustodyTransferred | AccountEvent::Closed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for text in CustomerStatus::ALL {
            assert_eq!(CustomerStatus::parse(text).unwrap().as_str(), text);
        }
        for text in AccountEvent::ALL {
            assert!(AccountEvent::parse(text).is_some(), "{text}");
        }
        assert!(
            AccountEvent::parse("custody_transferred")
                .unwrap()
                .loses_customer()
        );
        assert!(!AccountEvent::parse("dividend").unwrap().loses_customer());
        assert_eq!(CustomerStatus::parse("gone"), None);
    }
}
