-- 0003 partner webhooks (INTEG-2/3): what each delivery came to, so a redelivery with
-- the same idempotency key answers the first result and changes nothing.
-- body_digest: SHA-256 (hex) of the body as sent; the same key with another body is a
-- conflict, not a redelivery. Only committed (2xx) deliveries are kept: a refused batch
-- changed nothing and may be sent again, corrected, under the same key.
CREATE TABLE hook_deliveries (
    partner         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    topic           TEXT NOT NULL,
    body_digest     TEXT NOT NULL,
    records         INTEGER NOT NULL,
    status          INTEGER NOT NULL,
    response        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    PRIMARY KEY (partner, idempotency_key)
) WITHOUT ROWID;

CREATE INDEX hook_deliveries_received ON hook_deliveries (received_at);
