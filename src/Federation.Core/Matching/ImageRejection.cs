namespace Federation.Core.Matching;

/// <summary>Why an image could not be hashed.</summary>
public enum ImageRejection
{
    /// <summary>No decoder recognises the bytes (or there are too few of them to hold any image).</summary>
    NotAnImage,
    /// <summary>The data ends before the image does.</summary>
    Truncated,
    /// <summary>A decoder recognised the format but the data is invalid or uses a feature it cannot decode.</summary>
    Corrupt,
    /// <summary>The header declares more pixels than the configured limit (a decompression bomb, or just too big).</summary>
    TooManyPixels,
}
