-- An event id is kept for dedup as its UTF-8 bytes: text cannot hold a NUL character, which a
-- provider's id may carry (a JSON "\u0000"), and any text form of such an id (an escape, a hash)
-- would either change ids already stored or let two different ids meet. The conversion keeps every
-- stored id equal to the bytes the application now sends for it, so dedup goes on across it.
ALTER TABLE inbound_dedup ALTER COLUMN event_key TYPE bytea USING convert_to(event_key, 'UTF8');
