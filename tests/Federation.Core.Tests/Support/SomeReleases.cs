using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Releases;

namespace Federation.Tests.Support;

/// <summary>Test data: values, labels, headers and releases, built the same way every time.</summary>
public static class Some
{
    public static readonly EntryLabel Csam = new(Classification.Csam, "KR-APCSA-11");
    public static readonly EntryLabel Deepfake = new(Classification.DeepfakeNcii, null, TagSet.Parse("video;reviewed"));

    public static SignalValue Sha256(string seed) => SignalValue.FromBytes(SignalType.Sha256, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)));

    public static SignalValue Md5(string seed) => SignalValue.FromBytes(SignalType.Md5, MD5.HashData(System.Text.Encoding.UTF8.GetBytes(seed)));

    public static SignalValue Pdq(string seed) => SignalValue.FromBytes(SignalType.Pdq, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("pdq:" + seed)));

    public static ReleaseHeader Header(NodeId? origin = null, long version = 1, ContentDigest? previous = null, DateTimeOffset? created = null,
        TimeSpan? lifetime = null, string list = "ncii-2026")
    {
        var at = created ?? TestPki.DevNow;
        return new ReleaseHeader(ListId.Parse(list), origin ?? TestPki.Kr, new ReleaseVersion(version), previous, at, at + (lifetime ?? TimeSpan.FromDays(30)),
            Audience.AllPeers, TlpLabel.Amber);
    }

    /// <summary>A mix of adds and withdrawals over the three signal types, in no particular order.</summary>
    public static List<ReleaseChange> Changes(int count, string seed = "")
    {
        var changes = new List<ReleaseChange>(count);
        for (var i = 0; i < count; i++)
        {
            var s = seed + i;
            changes.Add((i % 7) switch
            {
                0 => ReleaseChange.Withdraw(Md5(s)),
                1 or 2 => ReleaseChange.Add(Pdq(s), Deepfake),
                3 => ReleaseChange.Add(Md5(s), Csam),
                _ => ReleaseChange.Add(Sha256(s), i % 2 == 0 ? Csam : Deepfake),
            });
        }
        return changes;
    }

    public static async IAsyncEnumerable<SourcedChange> Sourced(IEnumerable<ReleaseChange> changes, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var line = 2L;
        foreach (var c in changes)
        {
            ct.ThrowIfCancellationRequested();
            yield return new SourcedChange(line++, c);
        }
        await Task.CompletedTask;
    }

    /// <summary>Packs <paramref name="changes"/> (any order) and returns the release bytes.</summary>
    public static async Task<byte[]> Release(ReleaseHeader header, IEnumerable<ReleaseChange> changes, PackOptions? options = null)
    {
        using var output = new MemoryStream();
        await ReleasePacker.PackAsync(header, Sourced(changes), output, options);
        return output.ToArray();
    }

    public static async Task<List<ReleaseChange>> ReadAll(byte[] release)
    {
        var reader = await ReleaseReader.OpenAsync(new MemoryStream(release));
        var list = new List<ReleaseChange>();
        await foreach (var c in reader.ReadChangesAsync()) list.Add(c);
        return list;
    }
}
