-- The dev mailbox (no SMTP_URL) keeps its mail in memory now: the messages carry live sign-in and
-- reset links, and a copy of the database must not sign anyone in.
DROP TABLE dev_mailbox;
