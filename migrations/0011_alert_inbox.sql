-- 0011 alert inbox: ALERT-1 alerts listed for the staff member they reached, all or of
-- one kind (GET /api/alerts). The list and its count start from this index on both
-- backends; `customer_alerts_unread` still counts the unread ones for home.
CREATE INDEX customer_alerts_staff ON customer_alerts (staff_code, kind, day, id);
