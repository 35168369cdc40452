namespace Federation.Core.Releases;

/// <summary>How <see cref="ReleasePacker"/> sorts: at most <paramref name="RunLength"/> changes in memory at once
/// (56 bytes each; the default is about 14 MB), sorted runs spilled to temporary files in
/// <paramref name="TempDirectory"/> (the system's by default) and merged.</summary>
public sealed record PackOptions(int RunLength = 262_144, string? TempDirectory = null)
{
    public static PackOptions Default { get; } = new();
}
