namespace Federation.Node.Matching;

/// <summary>
/// A trigger that tells the node's match index when a list changed: every committed write of a list's state
/// (<c>mt_doc_hashlist</c>, written in the transaction that applies a published or received release) notifies
/// <see cref="Channel"/> with the list's key. PostgreSQL delivers a NOTIFY only when its transaction commits, so the
/// index follows exactly what committed, from whichever node instance wrote it.
/// </summary>
public static class MatchingTables
{
    public static string Channel(string schema) => $"{schema}_list_changed";

    public static string Ddl(string schema) => $"""
        CREATE OR REPLACE FUNCTION {schema}.notify_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('{Channel(schema)}', NEW.id);
          RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS hashlist_changed ON {schema}.mt_doc_hashlist;
        CREATE TRIGGER hashlist_changed AFTER INSERT OR UPDATE ON {schema}.mt_doc_hashlist
          FOR EACH ROW EXECUTE FUNCTION {schema}.notify_list_changed();
        """;
}
