namespace Federation.Core.Matching;

/// <summary>
/// A PDQ hash below <see cref="PdqResult.MinimumQuality"/> was offered for indexing or matching. Such hashes come
/// from flat or tiny images and collide with unrelated media, so the node neither shares nor matches them.
/// </summary>
public sealed class LowQualityPdqException : ArgumentException
{
    public LowQualityPdqException(int quality, string? paramName = null)
        : base($"PDQ quality {quality} is below the minimum of {PdqResult.MinimumQuality}: hashes of flat or tiny images match unrelated media, so they are neither indexed nor matched.", paramName)
        => Quality = quality;

    public int Quality { get; }
}
