using Federation.Core.Identity;

namespace Federation.Core.Ledger;

/// <summary>
/// The default names of a node's transparency-log keys. The log key's name is the checkpoint origin
/// (tlog-checkpoint: a schema-less URL that names the log); the witness key is a separate key with its own name
/// (tlog-cosignature: a cosignature does not commit to the cosigner's role, so one key must not do both).
/// </summary>
public static class LogNames
{
    public static string DefaultOrigin(NodeId node) => $"federation.node/{node}/log";

    public static string DefaultWitnessName(NodeId node) => $"federation.node/{node}/witness";

    /// <summary>Whether <paramref name="origin"/> can name a log key (C2SP signed-note: non-empty, no space or '+').</summary>
    public static bool IsValidOrigin(string origin) => NoteEncoding.IsValidKeyName(origin);
}
