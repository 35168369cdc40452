namespace Federation.Core.Releases;

/// <summary>A change with the input line it came from, so that the packer's errors (a value listed twice) can
/// name both lines.</summary>
public readonly record struct SourcedChange(long Line, ReleaseChange Change);
