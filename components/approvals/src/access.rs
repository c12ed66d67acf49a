//! What every route of this component shares beyond the platform's request context.

/// Request bodies of this component are small forms.
pub const BODY_LIMIT: usize = 16 * 1024;
