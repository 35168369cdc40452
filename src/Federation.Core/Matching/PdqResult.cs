namespace Federation.Core.Matching;

/// <summary>A PDQ hash and the reference quality metric (0 to 100) of the image it came from.</summary>
public readonly record struct PdqResult(PdqHash Hash, int Quality)
{
    /// <summary>
    /// Below this quality (the reference's and HMA's cut-off) an image is too flat or too small for its hash to
    /// mean anything: such hashes collide with unrelated media, so they are neither shared nor matched.
    /// </summary>
    public const int MinimumQuality = 50;

    public bool IsMatchable => Quality >= MinimumQuality;

    public override string ToString() => $"{Hash} q{Quality}";
}
