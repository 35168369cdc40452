using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Federation.Core.Ledger;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Tests.Support;

/// <summary>
/// A minimal C2SP tlog-witness that is not a peer: real Kestrel with real TLS on 127.0.0.1, under its own throw-away
/// CA, serving <c>POST &lt;prefix&gt;/add-checkpoint</c> for one log. Written from the spec, not from the node's own
/// witness: the log signature is checked with the configured log key (403), the old size against the checkpoint (400)
/// and against the size it stored (409, <c>text/x.tlog.size</c>), the consistency proof from it (422); then it cosigns
/// (cosignature/v1) and answers the line. <see cref="AnswerKey"/> makes it answer under another key, and
/// <see cref="Hang"/> makes it hold every request until released.
/// </summary>
public sealed class OutsideWitnessServer : IAsyncDisposable
{
    public const string Prefix = "/tlog-witness";

    private readonly WebApplication _app;
    private readonly NoteVerifier _logKey;
    private readonly Lock _lock = new();
    private ulong _size;
    private MerkleHash _root = Rfc6962.EmptyRoot;
    private int _conflicts;

    public OutsideWitnessServer(string name, NoteVerifier logKey)
    {
        Name = name;
        _logKey = logKey;
        var (signer, verifier) = CosignatureV1Signer.GenerateKey(name);
        Key = CosignatureV1Signer.Parse(signer);
        VerifierKey = verifier;
        AnswerKey = Key;
        (CaPem, var tls) = Certificates();
        CaFile = Path.Combine(Path.GetTempPath(), $"fed-witness-ca-{Guid.NewGuid():N}.crt");
        File.WriteAllText(CaFile, CaPem);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, l => l.UseHttps(tls)));
        _app = builder.Build();
        _app.MapPost(Prefix + "/add-checkpoint", AddCheckpointAsync);
    }

    public string Name { get; }
    public int Port { get; } = FreePorts.Next();
    public CosignatureV1Signer Key { get; }
    public string VerifierKey { get; }
    public string CaPem { get; }
    public string CaFile { get; }

    /// <summary>The key its answers are signed with; <see cref="Key"/> unless a test swaps it.</summary>
    public CosignatureV1Signer AnswerKey { get; set; }

    /// <summary>While set, every request waits for it to complete; its result is the status then answered.</summary>
    public TaskCompletionSource<int>? Hang { get; set; }

    /// <summary>Requests that arrived, counted before anything else is done with them.</summary>
    public int Requests;

    public int Conflicts => Volatile.Read(ref _conflicts);
    public ulong Size { get { lock (_lock) return _size; } }
    public Uri Url => new($"https://localhost:{Port}{Prefix}");

    /// <summary>The node's <c>Node:Ledger:Witnesses:&lt;i&gt;</c> entry for this witness.</summary>
    public System.Text.Json.Nodes.JsonObject Setting() => new()
    {
        ["Name"] = Name,
        ["Url"] = Url.ToString(),
        ["VerifierKey"] = VerifierKey,
        ["CaCertificate"] = CaFile,
    };

    public async Task<OutsideWitnessServer> StartAsync()
    {
        await _app.StartAsync();
        return this;
    }

    /// <summary>A client that trusts this witness's CA, for a test that talks to it directly.</summary>
    public HttpClient Client()
    {
        var ca = X509Certificate2.CreateFromPem(CaPem);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(cert);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(20) };
    }

    private async Task<IResult> AddCheckpointAsync(HttpRequest http)
    {
        Interlocked.Increment(ref Requests);
        if (Hang is { } hang) return Results.StatusCode(await hang.Task);
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer);
        if (buffer.Length > 64 * 1024 || !AddCheckpointRequest.TryParse(buffer.ToArray(), out var request, out var problem))
            return Results.Text("malformed: " + buffer.Length, statusCode: 400);
        var checkpoint = request.Checkpoint.Checkpoint;
        if (checkpoint.Origin != _logKey.Name) return Results.Text("unknown origin", statusCode: 404);
        if (request.Checkpoint.Verify([_logKey]).Result != NoteCheck.Valid) return Results.Text("no valid signature by the log key", statusCode: 403);
        if (request.OldSize > checkpoint.Size) return Results.Text("old size beyond the checkpoint", statusCode: 400);
        lock (_lock)
        {
            if (request.OldSize != _size)
            {
                Interlocked.Increment(ref _conflicts);
                return Results.Text(_size.ToString(CultureInfo.InvariantCulture) + "\n", "text/x.tlog.size", Encoding.UTF8, 409);
            }
            var consistent = _size == 0
                ? request.Proof.Count == 0
                : MerkleProofs.VerifyConsistency(_size, checkpoint.Size, _root, checkpoint.RootHash, request.Proof) == ProofCheck.Valid;
            if (!consistent) return Results.Text("inconsistent", statusCode: 422);
            (_size, _root) = (checkpoint.Size, checkpoint.RootHash);
        }
        var line = AnswerKey.Cosign(checkpoint.Text, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return Results.Text(line.ToLine(), "text/plain", Encoding.UTF8, 200);
    }

    /// <summary>A throw-away CA (PEM) and a localhost server certificate under it.</summary>
    private static (string CaPem, X509Certificate2 Tls) Certificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=outside witness test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var issued = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
        // Through PKCS#12, so that the key is one SslStream can use on every platform.
        var tls = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
        return (ca.ExportCertificatePem(), tls);
    }

    public async ValueTask DisposeAsync()
    {
        Hang?.TrySetResult(503);
        await _app.StopAsync();
        await _app.DisposeAsync();
        Key.Dispose();
        File.Delete(CaFile);
    }
}
