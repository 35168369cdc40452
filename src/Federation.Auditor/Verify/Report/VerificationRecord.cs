using Federation.Core.Audit;
using Federation.Core.Ledger;

namespace Federation.Auditor.Verify.Report;

/// <summary>
/// What one <c>fedaudit verify</c> saw, collected as <see cref="BundleVerifier"/> goes (it only records what it has
/// already checked) so that <see cref="HtmlReport"/> can say what was verified, under which trust, and where it
/// stopped. Every string in it may come from the bundle and is hostile. Memory stays bounded whatever the bundle's
/// size: counts for at most <see cref="MaxEventTypes"/> event types, and at most <see cref="MaxCheckpoints"/> checkpoints kept evenly spread (plus the latest).
/// </summary>
public sealed class VerificationRecord(string bundle, DateTimeOffset verifiedAt, int quorum)
{
    public const int MaxCheckpoints = 2048;

    /// <summary>Distinct event types counted by name; entries of any further type are counted together
    /// (<see cref="OtherTypes"/>), as a bundle may invent a new type per entry.</summary>
    public const int MaxEventTypes = 500;

    private readonly List<CheckpointRecord> _checkpoints = [];
    private readonly SortedDictionary<string, long> _eventTypes = new(StringComparer.Ordinal);
    private long _seen;
    private long _stride = 1;

    public string Bundle { get; } = bundle;
    public DateTimeOffset VerifiedAt { get; } = verifiedAt;
    public int Quorum { get; } = quorum;

    public AuditManifest? Manifest { get; private set; }
    public TrustDirectory? Trust { get; private set; }
    public IReadOnlyList<NoteVerifier> LogKeys { get; private set; } = [];
    public string? LogKeySource { get; private set; }
    public ulong Entries { get; private set; }
    public long Envelopes { get; private set; }
    public IReadOnlyDictionary<string, long> EventTypes => _eventTypes;

    /// <summary>Entries whose type came after <see cref="MaxEventTypes"/> others.</summary>
    public long OtherTypes { get; private set; }

    /// <summary>Checkpoints that passed their checks, oldest first, thinned evenly when there are many.</summary>
    public IReadOnlyList<CheckpointRecord> Checkpoints => Latest is { } latest && (_checkpoints.Count == 0 || _checkpoints[^1] != latest)
        ? [.. _checkpoints, latest] : _checkpoints;

    public long CheckpointCount => _seen;
    public CheckpointRecord? Latest { get; private set; }

    /// <summary>The first failure, or null when everything verified.</summary>
    public AuditFailure? Failure { get; private set; }

    /// <summary>The one-line result printed after <c>OK:</c>.</summary>
    public string? Summary { get; private set; }

    internal void Read(AuditManifest manifest) => Manifest = manifest;

    internal void Trusted(TrustDirectory trust) => Trust = trust;

    internal void UsedLogKeys(IReadOnlyList<NoteVerifier> keys, string source) => (LogKeys, LogKeySource) = (keys, source);

    internal void Entry(string eventType, bool withEnvelope)
    {
        if (_eventTypes.TryGetValue(eventType, out var n)) _eventTypes[eventType] = n + 1;
        else if (_eventTypes.Count < MaxEventTypes) _eventTypes[eventType] = 1;
        else OtherTypes++;
        Entries++;
        if (withEnvelope) Envelopes++;
    }

    internal void Checkpoint(CheckpointRecord checkpoint)
    {
        Latest = checkpoint;
        if (_seen++ % _stride == 0) _checkpoints.Add(checkpoint);
        if (_checkpoints.Count < MaxCheckpoints) return;
        // Keep every other one and sample half as often from now on: still evenly spread over the whole history.
        var kept = _checkpoints.Where((_, i) => i % 2 == 0).ToList();
        _checkpoints.Clear();
        _checkpoints.AddRange(kept);
        _stride *= 2;
    }

    internal void Failed(AuditFailure failure) => Failure ??= failure;

    internal void Succeeded(string summary) => Summary = summary;
}

/// <summary>One verified checkpoint: its distinct trusted witness keys (<c>name+keyid</c>) and any other signature
/// lines it carries (by keys the auditor does not trust, so counted for nothing).</summary>
public sealed record CheckpointRecord(long Id, ulong Size, DateTimeOffset SignedAt, IReadOnlyList<string> Witnesses, IReadOnlyList<string> Untrusted);
