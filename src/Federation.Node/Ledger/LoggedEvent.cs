using Federation.Core.Ledger;

namespace Federation.Node.Ledger;

/// <summary>A leaf of the log, and (for auditors) the JSON data of the event it commits to.</summary>
public sealed record LoggedEvent(LedgerEntry Entry, string? Data);
