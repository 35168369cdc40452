namespace Federation.Core.Matching;

/// <summary>The eight symmetries of a rectangle, in the reference's order (<c>pdqDihedralHash256esFromFloatLuma</c>).</summary>
public enum PdqTransform
{
    Original,
    Rotate90,
    Rotate180,
    Rotate270,
    FlipX,
    FlipY,
    /// <summary>Reflection in the main diagonal (transpose).</summary>
    FlipPlus1,
    /// <summary>Reflection in the anti-diagonal.</summary>
    FlipMinus1,
}
