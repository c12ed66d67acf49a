-- 0013 the SMS queue (AUTH-5 忘记密码): a reset code's message is stored, sealed, in the
-- transaction that stores the code, before the request is answered. It is sent after the
-- answer and deleted once the gateway took it (the outcome goes to sms_outbox, as
-- before); when the instance that took the request ends first, or the gateway fails,
-- the next sign-in or reset request finds it waiting and sends it, while the code is
-- still valid. A request whose staff code and ID number do not match queues a withheld
-- entry of the same size, deleted unsent, so the request does the same work either way.
--
-- purpose:     'password_reset', or 'withheld'.
-- sealed:      the mobile and the text, sealed under a key derived from `pii_key` and
--              bound to owner (the text holds the code: never stored plain).
-- send_before: Unix seconds; an entry not sent by then is dropped (its code expired).
-- claimed_at:  when a sender took it; another may take it again a minute later.
CREATE TABLE sms_queue (
    id          INTEGER PRIMARY KEY,
    owner       TEXT NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('password_reset', 'withheld')),
    sealed      TEXT NOT NULL,
    queued_at   INTEGER NOT NULL,
    send_before INTEGER NOT NULL,
    claimed_at  INTEGER
);

CREATE INDEX sms_queue_waiting ON sms_queue (queued_at);
