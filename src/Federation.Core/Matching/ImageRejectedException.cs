namespace Federation.Core.Matching;

/// <summary>An input was refused before or during decoding; <see cref="Reason"/> says why.</summary>
public sealed class ImageRejectedException : Exception
{
    public ImageRejectedException(ImageRejection reason, string message) : base(message) => Reason = reason;

    public ImageRejection Reason { get; }
}
