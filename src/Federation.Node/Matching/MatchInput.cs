using Federation.Core.Matching;

namespace Federation.Node.Matching;

/// <summary>
/// One thing to look up: the hashes of an uploaded file, or hashes an officer gave directly. <see cref="PdqNote"/>
/// says why an input has no PDQ hash, or why its PDQ hash is not matched (quality below 50).
/// </summary>
public sealed record MatchInput(string? Name, long? Size, Sha256Hash? Sha256, Md5Hash? Md5, PdqResult? Pdq, string? PdqNote)
{
    /// <summary>What the consultation record keeps of this input: its hashes as <c>signal:hex</c>.</summary>
    public IEnumerable<string> Queried()
    {
        if (Sha256 is { } sha256) yield return $"sha256:{sha256}";
        if (Md5 is { } md5) yield return $"md5:{md5}";
        if (Pdq is { } pdq) yield return $"pdq:{pdq.Hash}";
    }

    /// <summary>The signals that go to the index: a PDQ hash below quality 50 matches nothing, so it is left out.</summary>
    public MediaSignals Signals => new(Sha256, Md5, Pdq is { IsMatchable: true } pdq ? pdq : null);
}
