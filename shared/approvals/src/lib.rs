//! The one approvals engine (审批, TASK-6): kinds, approver chains, state history, the effect of each kind, and its SQL.
