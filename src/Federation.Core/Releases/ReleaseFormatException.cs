namespace Federation.Core.Releases;

/// <summary>
/// Input that is not a valid release, or not valid input for one: a bad CSV line, a duplicate value, a malformed or
/// non-canonical release file. The message names where (line number or byte offset) and the offending value.
/// </summary>
public sealed class ReleaseFormatException(string message, Exception? inner = null) : FormatException(message, inner);
