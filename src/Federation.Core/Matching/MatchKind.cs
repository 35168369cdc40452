namespace Federation.Core.Matching;

/// <summary>Which signal of the query found a hit.</summary>
public enum MatchKind
{
    Sha256,
    Md5,
    Pdq,
}
