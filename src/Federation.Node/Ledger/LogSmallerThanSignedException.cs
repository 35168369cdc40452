namespace Federation.Node.Ledger;

/// <summary>The log has fewer leaves than a checkpoint already signed: rows were removed under the node. Signing would
/// fork the log, so nothing is signed; the auditor's fresh-checkpoint request answers <c>log-smaller-than-signed</c>.</summary>
public sealed class LogSmallerThanSignedException(ulong size, ulong signed)
    : InvalidOperationException($"The log has {size} leaves but checkpoint {signed} is already signed; refusing to sign a smaller tree.")
{
    public const string Reason = "log-smaller-than-signed";
}
