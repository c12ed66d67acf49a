//! The closed vocabularies of staff and the org (ORG-1/2): a unit's kind, a staff
//! member's status, and gender (性别), which customers share.

use zhanye_vocabulary::vocabulary;

vocabulary! {
    /// 组织层级 (ORG-1): the kinds of org unit, from the top; each sits under the one
    /// before it, and compares as higher (less) than the kinds below it.
    #[derive(PartialOrd, Ord)]
    UnitKind {
        /// 总部.
        Hq = "hq", "总部", "HQ";
        /// 地区.
        Region = "region", "地区", "region";
        /// 营业部.
        Branch = "branch", "营业部", "branch";
        /// 团队.
        Team = "team", "团队", "team";
    }
}

impl UnitKind {
    /// The kind a unit of this kind sits under; `None` for the HQ.
    pub fn above(self) -> Option<UnitKind> {
        let position = UnitKind::ALL.iter().position(|k| *k == self)?;
        position.checked_sub(1).map(|p| UnitKind::ALL[p])
    }

    /// The kind one level down (a team stays a team).
    pub fn below(self) -> UnitKind {
        let position = UnitKind::ALL.iter().position(|k| *k == self).unwrap_or(0);
        UnitKind::ALL[(position + 1).min(UnitKind::ALL.len() - 1)]
    }
}

vocabulary! {
    /// 人员状态 (ORG-2).
    StaffStatus {
        /// 正常: may sign in.
        Normal = "normal", "正常", "normal";
        /// 停用: signed out everywhere, may not sign in.
        Suspended = "suspended", "停用", "suspended";
        /// 离职.
        Left = "left", "离职", "left";
    }
}

vocabulary! {
    /// 性别, of staff and of customers.
    Gender {
        /// 男.
        Male = "male", "男", "male";
        /// 女.
        Female = "female", "女", "female";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_kinds_nest_from_the_top() {
        let above: Vec<Option<UnitKind>> = UnitKind::ALL.iter().map(|k| k.above()).collect();
        assert_eq!(
            above,
            [
                None,
                Some(UnitKind::Hq),
                Some(UnitKind::Region),
                Some(UnitKind::Branch)
            ]
        );
        assert!(UnitKind::Hq < UnitKind::Region && UnitKind::Branch < UnitKind::Team);
        let below: Vec<UnitKind> = UnitKind::ALL.iter().map(|k| k.below()).collect();
        assert_eq!(
            below,
            [
                UnitKind::Region,
                UnitKind::Branch,
                UnitKind::Team,
                UnitKind::Team
            ]
        );
    }

    #[test]
    fn machine_values() {
        assert_eq!(UnitKind::parse("branch"), Some(UnitKind::Branch));
        assert_eq!(UnitKind::parse("营业部"), None);
        assert_eq!(
            StaffStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
            ["normal", "suspended", "left"]
        );
        assert_eq!(Gender::parse("female"), Some(Gender::Female));
        assert_eq!(Gender::parse("f"), None);
        assert_eq!(Gender::Male.label_zh(), "男");
    }
}
