using System.Security.Cryptography;
using System.Text.Json;

namespace Federation.Core.Requests;

/// <summary>
/// The signed record of one step in a case: which case, its place in the case's shared sequence (null for steps
/// that stay on the node), the digest of the shared step before it, who acted in which role, when, and the step
/// itself. The node signs these bytes (CMS, its signing certificate); the person's identity is inside, signed.
/// Both nodes hold the same documents for the shared steps, so they can compare histories byte for byte.
/// <see cref="Reissues"/> names the digest of a step of this node's that a concurrent step of the peer superseded,
/// when this one takes it again on top of the winner (docs/requests.md, "Steps that cross").
/// </summary>
public sealed record CaseStepDocument(int V, CaseRef Case, int? Seq, string? Previous, Actor Actor, DateTimeOffset At, RequestStep Step,
    string? Reissues = null)
{
    public const int CurrentVersion = 1;

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, RequestJson.Options);

    public static string Sha256Hex(ReadOnlySpan<byte> utf8) => Convert.ToHexStringLower(SHA256.HashData(utf8));

    /// <exception cref="FormatException">Not a version 1 case step document.</exception>
    public static CaseStepDocument Parse(ReadOnlySpan<byte> utf8)
    {
        CaseStepDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize<CaseStepDocument>(utf8, RequestJson.Options);
        }
        catch (JsonException e)
        {
            throw new FormatException("not a case step document: " + e.Message, e);
        }
        catch (NotSupportedException e) // a step without its "action" discriminator, or with one out of place
        {
            throw new FormatException("not a case step document: " + e.Message, e);
        }
        if (doc is null || doc.V != CurrentVersion) throw new FormatException($"case step document version {doc?.V}; this node reads {CurrentVersion}");
        if (doc.Step is null || doc.Actor is null) throw new FormatException("the case step document lacks its step or actor");
        if (doc.Seq is < 1) throw new FormatException("a shared step's sequence number starts at 1");
        return doc;
    }

    /// <summary>
    /// Which of two steps that claim the same place in a case's shared history (same sequence number, same predecessor)
    /// keeps it: the earlier signed time, then the lower document digest. Both nodes hold both documents, so both decide alike.
    /// </summary>
    public static bool Precedes(CaseStepDocument a, string aSha256, CaseStepDocument b, string bSha256)
    {
        var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        return byTime != 0 ? byTime < 0 : string.CompareOrdinal(aSha256, bSha256) < 0;
    }
}
