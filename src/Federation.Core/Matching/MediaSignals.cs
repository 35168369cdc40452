namespace Federation.Core.Matching;

/// <summary>
/// The hashes known for one piece of media: any of SHA-256, MD5 and PDQ (with the PDQ quality, which decides
/// whether the PDQ hash may be indexed or matched at all).
/// </summary>
public readonly record struct MediaSignals(Sha256Hash? Sha256 = null, Md5Hash? Md5 = null, PdqResult? Pdq = null)
{
    public bool IsEmpty => Sha256 is null && Md5 is null && Pdq is null;
}
