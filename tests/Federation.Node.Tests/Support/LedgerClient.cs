using System.Net.Http.Json;
using Federation.Core.Ledger;
using Federation.Node.Ledger;

namespace Federation.Node.Tests.Support;

/// <summary>Reads a node's log over HTTP the way a peer or an auditor would, trusting nothing it is not shown to verify.</summary>
public static class LedgerClient
{
    public static async Task<SignedCheckpoint> CheckpointAsync(HttpClient http, string prefix = "federation/v1/log") =>
        SignedCheckpoint.Parse(await http.GetStringAsync($"{prefix}/checkpoint"));

    /// <summary>Entries as an auditor reads them on the agency port, with what each leaf commits to.</summary>
    public static async Task<LedgerApi.EntriesView> EntriesAsync(HttpClient http, ulong start, ulong end, string prefix = "api/v1/log") =>
        (await http.GetFromJsonAsync<LedgerApi.EntriesView>($"{prefix}/entries?start={start}&end={end}"))!;

    /// <summary>Entries as a peer reads them on the federation port: index and leaf hash.</summary>
    public static async Task<LedgerApi.PeerEntriesView> PeerEntriesAsync(HttpClient http, ulong start, ulong end) =>
        (await http.GetFromJsonAsync<LedgerApi.PeerEntriesView>($"federation/v1/log/entries?start={start}&end={end}"))!;

    public static async Task<IReadOnlyList<MerkleHash>> InclusionAsync(HttpClient http, ulong index, ulong size, string prefix = "federation/v1/log") =>
        [.. (await http.GetFromJsonAsync<LedgerApi.InclusionProofView>($"{prefix}/proof/inclusion?index={index}&size={size}"))!.Proof.Select(MerkleHash.ParseBase64)];

    public static async Task<IReadOnlyList<MerkleHash>> ConsistencyAsync(HttpClient http, ulong from, ulong to, string prefix = "federation/v1/log") =>
        [.. (await http.GetFromJsonAsync<LedgerApi.ConsistencyProofView>($"{prefix}/proof/consistency?from={from}&to={to}"))!.Proof.Select(MerkleHash.ParseBase64)];

    /// <summary>The leaf hash recomputed from the served fields, not the served <c>leafHash</c>.</summary>
    public static MerkleHash LeafHash(LedgerApi.EntryView e) =>
        LedgerEntry.Create(e.Index, e.EventId, e.StreamKey, e.EventType, DateTimeOffset.UnixEpoch.AddTicks(e.TimestampMicros * 10),
            Convert.FromBase64String(e.DataSha256), e.EnvelopeSha256 is { } env ? Convert.FromBase64String(env) : default, e.EnvelopeSha256 is not null).LeafHash();
}
