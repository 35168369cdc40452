namespace Federation.Node.Feedback;

/// <summary>
/// The latest verdict of each agency on each entry, as this node knows it — feedback it sent on its peers' entries,
/// and feedback its peers sent on its own. Written in the transaction that records the feedback event (the
/// history); read with match hits and a list's entries.
/// </summary>
public static class FeedbackTables
{
    public static string Ddl(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.entry_feedback (
            origin      text NOT NULL,
            list_id     text NOT NULL,
            signal      smallint NOT NULL,
            value       bytea NOT NULL,
            agency      text NOT NULL,
            verdict     text NOT NULL,
            note        text,
            at          timestamptz NOT NULL,
            feedback_id text NOT NULL,
            PRIMARY KEY (origin, list_id, signal, value, agency));
        """;
}
