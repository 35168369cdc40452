using System.Security.Cryptography.Pkcs;
using Federation.Core.Requests;
using Federation.Node.Storage;
using Marten;

namespace Federation.Node.Requests;

/// <summary>
/// The steps of one case as this node recorded them, in the order it recorded them, and which of them were superseded.
/// Read inside the caller's transaction (under the case's lock), for deciding where a peer's step belongs.
/// </summary>
internal sealed class CaseHistory
{
    private readonly CaseJournal.Scope _scope;
    private readonly string _schema;
    private readonly Dictionary<string, string> _supersededBy;

    /// <summary>Every recorded step, superseded or not, in recording order.</summary>
    public IReadOnlyList<RequestStepRecorded> Steps { get; }

    private CaseHistory(CaseJournal.Scope scope, string schema, IReadOnlyList<RequestStepRecorded> steps, Dictionary<string, string> supersededBy)
    {
        _scope = scope;
        _schema = schema;
        Steps = steps;
        _supersededBy = supersededBy;
    }

    public static async Task<CaseHistory> LoadAsync(CaseJournal.Scope scope, string schema, CaseRef caseRef, CancellationToken ct)
    {
        var stream = RequestFile.Stream(caseRef);
        var events = (await scope.Session.Events.FetchStreamAsync(stream, token: ct)).Select(e => e.Data).ToList();
        // Steps recorded earlier in this same transaction (a step that released a held one) are still pending in the session.
        events.AddRange(scope.Session.PendingChanges.Streams().Where(s => s.Key == stream).SelectMany(s => s.Events).Select(e => e.Data));
        var superseded = events.OfType<RequestStepSuperseded>().ToDictionary(s => s.DocumentSha256, s => s.SupersededBy);
        return new CaseHistory(scope, schema, events.OfType<RequestStepRecorded>().ToList(), superseded);
    }

    public bool Holds(string sha256) => Steps.Any(s => s.DocumentSha256 == sha256);

    /// <summary>The step that took the place of <paramref name="sha256"/>, or null when that step still counts.</summary>
    public string? SupersededBy(string sha256) => _supersededBy.GetValueOrDefault(sha256);

    public bool Counts(RequestStepRecorded step) => !_supersededBy.ContainsKey(step.DocumentSha256);

    /// <summary>The shared step at <paramref name="seq"/> that counts, if any.</summary>
    public RequestStepRecorded? SharedAt(int seq) => Steps.FirstOrDefault(s => s.Seq == seq && Counts(s));

    /// <summary>The signed document of a recorded step, read back from its envelope (verified when it was recorded).</summary>
    public async Task<CaseStepDocument> DocumentAsync(RequestStepRecorded step, CancellationToken ct)
    {
        var blob = await Blobs.GetAsync(_scope.Connection, _scope.Transaction, _schema, step.EnvelopeSha256, ct)
            ?? throw new InvalidOperationException($"the envelope {step.EnvelopeSha256} of step {step.DocumentSha256} of {step.Case} is missing");
        return Read(blob.Content);
    }

    /// <summary>The document inside a case step envelope this node verified before it stored it (no second verification).</summary>
    public static CaseStepDocument Read(byte[] envelope)
    {
        var cms = new SignedCms();
        cms.Decode(envelope);
        return CaseStepDocument.Parse(cms.ContentInfo.Content);
    }

    /// <summary>
    /// The case as it stood after the counting steps recorded before <paramref name="upTo"/> (by replaying them through the
    /// same rules), with where its shared history stood then.
    /// </summary>
    public async Task<(RequestCase Case, int SharedSeq, string? LastShared)> ReplayBeforeAsync(RequestStepRecorded upTo, CancellationToken ct)
    {
        RequestCase? current = null;
        var seq = 0;
        string? last = null;
        foreach (var step in Steps.TakeWhile(s => !ReferenceEquals(s, upTo)).Where(Counts))
        {
            var doc = await DocumentAsync(step, ct);
            var decision = RequestRules.Take(current, doc.Step, doc.Actor, doc.At);
            if (!decision.Allowed)
                throw new InvalidOperationException($"replaying {step.Case}: recorded step {step.DocumentSha256} ({step.Action}) is refused: {decision.Violation!.Detail}");
            current = decision.Next;
            if (step.Seq is { } s) (seq, last) = (s, step.DocumentSha256);
        }
        return (current ?? throw new InvalidOperationException($"case {upTo.Case} has no step before {upTo.DocumentSha256}"), seq, last);
    }
}
