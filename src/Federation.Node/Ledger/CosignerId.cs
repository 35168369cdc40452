using Federation.Core.Identity;

namespace Federation.Node.Ledger;

/// <summary>
/// Who returned a cosignature, as stored in <c>ledger_cosignature.witness</c>: a peer by its node id, or an outside
/// witness (<c>Node:Ledger:Witnesses</c>) as <c>witness:&lt;name&gt;</c>. A node id never contains ':', so the two can
/// never name the same row; a stored value that is neither (a hand-edited row) is read back as it is, not refused,
/// so one bad row does not hide a checkpoint's other cosignatures.
/// </summary>
public readonly record struct CosignerId
{
    public const string OutsidePrefix = "witness:";

    private CosignerId(string value) => Value = value;

    /// <summary>The text stored in the database.</summary>
    public string Value { get; }

    public static CosignerId Peer(NodeId node) => new(node.Value);

    public static CosignerId Outside(string witnessName) => new(OutsidePrefix + witnessName);

    /// <summary>Reads a stored value back; never throws.</summary>
    public static CosignerId FromStored(string value) => new(value);

    /// <summary>The peer's node id, or null for an outside witness.</summary>
    public NodeId? Node => NodeId.TryParse(Value, out var node) ? node : null;

    public bool IsOutside => Value?.StartsWith(OutsidePrefix, StringComparison.Ordinal) == true;

    public override string ToString() => Value ?? "";
}
