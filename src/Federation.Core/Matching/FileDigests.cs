namespace Federation.Core.Matching;

/// <summary>The cryptographic digests of a file's exact bytes, and how many bytes there were.</summary>
public readonly record struct FileDigests(Sha256Hash Sha256, Md5Hash Md5, long Length);
