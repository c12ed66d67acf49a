//! The closed vocabularies of a customer record. Those the partners send (kind,
//! status, grade, level, risk tolerance, gender, account events) are declared with
//! their records below this crate and re-exported here; the contact vocabularies
//! (CUST-5) are this crate's own.

pub use zhanye_ingest::vocab::{
    AccountEvent, CustomerGrade, CustomerKind, CustomerLevel, CustomerStatus, RiskTolerance,
};
pub use zhanye_staff::vocab::Gender;
use zhanye_vocabulary::vocabulary;

vocabulary! {
    /// CUST-5 沟通性质: who started the contact.
    ContactNature {
        /// 主动: the staff member.
        Active = "active", "主动", "active";
        /// 被动: the customer.
        Passive = "passive", "被动", "passive";
    }
}

vocabulary! {
    /// CUST-5 沟通类型.
    ContactKind {
        /// 投诉.
        Complaint = "complaint", "投诉", "complaint";
        /// 咨询.
        Inquiry = "inquiry", "咨询", "inquiry";
        /// 一般.
        General = "general", "一般", "general";
        /// 委托.
        Order = "order", "委托", "order";
    }
}

/// Whether an account event loses the customer (status `lost`, HOME-1 流失, ALERT-1
/// actual churn): cancelled, custody transferred away, or closed.
pub fn loses_customer(event: AccountEvent) -> bool {
    matches!(
        event,
        AccountEvent::Cancelled | AccountEvent::CustodyTransferred | AccountEvent::Closed
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies() {
        assert_eq!(
            CustomerStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
            ["potential", "target", "existing", "lost"]
        );
        assert_eq!(CustomerStatus::parse("gone"), None);
        let lost: Vec<&str> = AccountEvent::ALL
            .iter()
            .filter(|e| loses_customer(**e))
            .map(|e| e.as_str())
            .collect();
        assert_eq!(lost, ["cancelled", "custody_transferred", "closed"]);
        assert_eq!(
            ContactKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
            ["complaint", "inquiry", "general", "order"]
        );
        assert_eq!(
            ContactNature::parse("passive"),
            Some(ContactNature::Passive)
        );
    }
}
