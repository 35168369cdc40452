namespace Federation.Node.Sync;

/// <summary>Why an incoming item was not applied: a stable reason code (quarantine events, inbox problems, tests) and a detail for the log.</summary>
public readonly record struct ItemRefusal(string Reason, string Detail);
