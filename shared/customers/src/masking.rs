//! CUST-2 contact data, masked for whoever may not see it whole.

pub use zhanye_staff::identity::{mask_id_number, mask_mobile};

/// `zhang.san@example.com` → `z***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// Keeps the first six characters (province and city), hides the rest.
pub fn mask_address(address: &str) -> String {
    let shown: String = address.chars().take(6).collect();
    if address.chars().count() > 6 {
        format!("{shown}****")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_data_is_masked() {
        assert_eq!(mask_email("zhang.san@example.com"), "z***@example.com");
        assert_eq!(mask_email("broken"), "***");
        assert_eq!(mask_address("上海市黄浦区四川南路1号"), "上海市黄浦区****");
        assert_eq!(mask_address("上海"), "上海");
        assert_eq!(mask_mobile("13812345678"), "138****5678");
    }
}
