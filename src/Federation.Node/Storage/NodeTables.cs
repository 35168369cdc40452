namespace Federation.Node.Storage;

/// <summary>
/// The node's own relational tables beside Marten's: immutable content-addressed blobs, the feed that peers page
/// through, and the active entries of every hash list the node holds (loaded with binary COPY, read by lookups).
/// </summary>
public static class NodeTables
{
    public static string Ddl(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.blobs (
            sha256     text PRIMARY KEY CHECK (length(sha256) = 64),
            media_type text NOT NULL,
            size       bigint NOT NULL,
            content    bytea NOT NULL,
            stored_at  timestamptz NOT NULL DEFAULT now());
        -- Blobs are immutable: a content address that could change would address nothing.
        DROP TRIGGER IF EXISTS blobs_immutable ON {schema}.blobs;
        CREATE TRIGGER blobs_immutable BEFORE UPDATE OR DELETE ON {schema}.blobs
          FOR EACH ROW EXECUTE FUNCTION {schema}.reject_event_mutation();

        -- Positions are assigned under a transaction-level advisory lock (see FeedWriter), so they become visible
        -- in order and a reader paging by position never skips an item committed later with a smaller number.
        CREATE TABLE IF NOT EXISTS {schema}.feed (
            position         bigint PRIMARY KEY,
            kind             text NOT NULL,
            item_id          text NOT NULL,
            origin           text NOT NULL,
            audience         text[],          -- null: every peer
            content_sha256   text NOT NULL,
            signature_sha256 text,
            size             bigint NOT NULL,
            created          timestamptz NOT NULL DEFAULT now(),
            UNIQUE (kind, content_sha256));
        DROP TRIGGER IF EXISTS feed_append_only ON {schema}.feed;
        CREATE TRIGGER feed_append_only BEFORE UPDATE OR DELETE ON {schema}.feed
          FOR EACH ROW EXECUTE FUNCTION {schema}.reject_event_mutation();

        CREATE TABLE IF NOT EXISTS {schema}.active_entries (
            origin          text NOT NULL,
            list_id         text NOT NULL,
            signal          smallint NOT NULL,
            value           bytea NOT NULL,
            classification  text NOT NULL,
            legal_basis     text,
            tags            text,
            release_version bigint NOT NULL,
            PRIMARY KEY (origin, list_id, signal, value));
        CREATE INDEX IF NOT EXISTS active_entries_by_value ON {schema}.active_entries (signal, value);

        -- Pushes to send: one row per recipient of a feed item, written with the item (see FeedWriter), done once a
        -- valid signed receipt is held (the receipt itself is an event and a blob).
        CREATE TABLE IF NOT EXISTS {schema}.outbox (
            id             bigserial PRIMARY KEY,
            recipient      text NOT NULL,
            feed_position  bigint NOT NULL REFERENCES {schema}.feed (position),
            created        timestamptz NOT NULL DEFAULT now(),
            attempts       int NOT NULL DEFAULT 0,
            next_attempt   timestamptz NOT NULL DEFAULT now(),
            last_attempt   timestamptz,
            last_error     text,
            delivered      timestamptz,
            receipt_sha256 text,
            UNIQUE (recipient, feed_position));
        CREATE INDEX IF NOT EXISTS outbox_pending ON {schema}.outbox (recipient, id) WHERE delivered IS NULL;

        -- Every item applied from a peer, by pull or push, once: the key that makes the second copy a duplicate.
        CREATE TABLE IF NOT EXISTS {schema}.received_items (
            kind           text NOT NULL,
            content_sha256 text NOT NULL,
            origin         text NOT NULL,
            item_id        text NOT NULL,
            feed_position  bigint NOT NULL,
            via            text NOT NULL,
            received_at    timestamptz NOT NULL,
            duplicates     int NOT NULL DEFAULT 0,
            PRIMARY KEY (kind, content_sha256));
        """;
}
