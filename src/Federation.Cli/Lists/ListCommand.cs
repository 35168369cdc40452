using System.Globalization;
using Federation.Cli.Hosting;
using Federation.Core.Envelopes;
using Federation.Core.Identity;
using Federation.Core.Pki;
using Federation.Core.Releases;

namespace Federation.Cli.Lists;

/// <summary><c>fedctl list pack|sign|verify|show</c>: hash-list releases offline (docs/formats.md).</summary>
public static class ListCommand
{
    public const string Usage = """
        fedctl list pack --in <entries.csv> --list <list-id> --origin <node-id> --version <n> [--previous <prev.bin>]
                         [--expires <ISO-8601 time>|<days>d (default 30d)] [--audience all-peers|<node-id,...>] [--tlp <label> (default AMBER)] --out <release.bin>
        fedctl list sign --release <release.bin> --cert <node-signing.crt> --key <node-signing.key> --out <release.p7s>
        fedctl list verify --release <release.bin> --sig <release.p7s> --ca <ca.crt> --origin <node-id> [--previous <prev.bin>]
        fedctl list show <release.bin> [--entries]
        fedctl list publish --node <agency-url> --cert <person.crt> --key <person.key> --ca <ca.crt> --list <list-id> --in <entries.csv>
                            [--audience all-peers|<node-id,...>] [--tlp <label>] [--title <text>] [--expires <days>d]
        fedctl list entries --node <agency-url> --cert <person.crt> --key <person.key> --ca <ca.crt> --list <list-id> --origin <node-id>
        """;

    // fedctl has no synchronisation context, so blocking here is safe; the release API is async for the node,
    // whose request bodies do not allow synchronous reads.
    public static int Run(string[] args, TextWriter stdout, TimeProvider time) => RunAsync(args, stdout, time).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args, TextWriter stdout, TimeProvider time)
    {
        if (args.Length == 0) throw new CliException("usage:\n" + Usage, 2);
        var rest = args[1..];
        return args[0] switch
        {
            "pack" => await Pack(Parse(rest, ["in", "list", "origin", "version", "previous", "expires", "audience", "tlp", "out"]), stdout, time),
            "sign" => await Sign(Parse(rest, ["release", "cert", "key", "out"]), stdout, time),
            "verify" => await Verify(Parse(rest, ["release", "sig", "ca", "origin", "previous"]), stdout, time),
            "show" => await Show(CliArgs.Parse(rest, [], ["entries"]), stdout),
            "publish" => await ListNodeCommands.Publish(Parse(rest, [.. ListNodeCommands.ConnectionOptions, "list", "in", "audience", "tlp", "title", "expires"]), stdout, time),
            "entries" => await ListNodeCommands.Entries(Parse(rest, [.. ListNodeCommands.ConnectionOptions, "list", "origin"]), stdout, time),
            _ => throw new CliException($"unknown verb 'list {args[0]}' (pack, sign, verify, show, publish, entries; run 'fedctl list' for usage)", 2),
        };
    }

    private static async Task<int> Pack(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var list = Option(a, "list", ListId.Parse);
        var origin = Option(a, "origin", NodeId.Parse);
        var version = Option(a, "version", ReleaseVersion.Parse);
        var audience = a.Optional("audience") is { } aud ? Option(aud, "audience", Audience.Parse) : Audience.AllPeers;
        var tlp = a.Optional("tlp") is { } t ? Option(t, "tlp", TlpLabel.Parse) : TlpLabel.Amber;
        var created = time.GetUtcNow();
        var expires = Expiry(a.Optional("expires") ?? "30d", created);

        ContentDigest? previous = null;
        if (a.Optional("previous") is { } previousPath)
        {
            var priorRelease = await ReadRelease(previousPath);
            var prior = priorRelease.Header;
            if (prior.List != list || prior.Origin != origin)
                throw new CliException($"--previous: {previousPath} is a release of {prior.Origin}/{prior.List}, not {origin}/{list}");
            if (version <= prior.Version)
                throw new CliException($"--version {version} is not greater than version {prior.Version} in {previousPath}");
            previous = priorRelease.Digest;
        }
        if (version != ReleaseVersion.First && previous is null)
            throw new CliException($"--previous <prev.bin> is required for version {version}: a release names the digest of the one before it");
        if (version == ReleaseVersion.First && previous is not null)
            throw new CliException("version 1 starts a list and has no --previous");
        if (expires <= created) throw new CliException($"--expires {expires:O} is not after now ({created:O})");

        var header = new ReleaseHeader(list, origin, version, previous, created, expires, audience, tlp);
        var input = a.Required("in");
        var output = a.Required("out");
        ReleaseSummary summary;
        await using (var csv = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            try
            {
                summary = await AtomicFile.WriteAsync(output, stream => ReleasePacker.PackAsync(header, EntryCsv.ReadAsync(csv), stream));
            }
            catch (ReleaseFormatException e)
            {
                throw new CliException($"{input} {e.Message}; nothing written");
            }
        }
        stdout.WriteLine($"packed {origin}/{list} version {version}: {summary.Added} added, {summary.Withdrawn} withdrawn, {summary.Length} bytes, sha256 {summary.Digest} -> {output}");
        return 0;
    }

    private static async Task<int> Sign(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var releasePath = a.Required("release");
        using var cert = PemFiles.LoadWithKey(a.Required("cert"), a.Required("key"));
        var release = await ReadRelease(releasePath);
        var node = NodeId.FromCertificate(cert);
        // A signature by another node's key would only be refused by every peer: catch it here.
        if (node != release.Header.Origin)
            throw new CliException($"{a.Required("cert")} names {(node is { } n ? n.Value : "no node")}, but the release's origin is {release.Header.Origin}");
        var signature = new EnvelopeSigner(cert, time).SignDetached(FederationOids.HashListRelease, release.Digest);
        var output = a.Required("out");
        await AtomicFile.WriteAsync(output, async stream =>
        {
            await stream.WriteAsync(signature);
            return 0;
        });
        stdout.WriteLine($"signed {release.Header.Origin}/{release.Header.List} version {release.Header.Version} (sha256 {release.Digest}) as {cert.Subject} -> {output}");
        return 0;
    }

    private static async Task<int> Verify(CliArgs a, TextWriter stdout, TimeProvider time)
    {
        var origin = Option(a, "origin", NodeId.Parse);
        using var ca = PemFiles.LoadCertificate(a.Required("ca"));
        var last = a.Optional("previous") is { } previousPath ? ReleaseChainState.Of(await ReadRelease(previousPath)) : null;
        var signature = await File.ReadAllBytesAsync(a.Required("sig"));
        await using var release = File.OpenRead(a.Required("release"));
        var check = await new ReleaseVerifier(time).VerifyAsync(release, signature, new TrustAnchor(ca), origin, last);
        using var signer = check.Signer;
        if (!check.Accepted) throw new CliException($"refused ({check.Reason}): {check.Detail}");
        stdout.WriteLine($"verified {check.Detail}");
        return 0;
    }

    private static async Task<int> Show(CliArgs a, TextWriter stdout)
    {
        if (a.Positionals.Count != 1) throw new CliException("usage: fedctl list show <release.bin> [--entries]", 2);
        var path = a.Positionals[0];
        if (a.Flag("entries"))
        {
            await using var file = File.OpenRead(path);
            try
            {
                var reader = await ReleaseReader.OpenAsync(file);
                await EntryCsv.WriteAsync(reader.ReadChangesAsync(), stdout);
            }
            catch (ReleaseFormatException e)
            {
                throw new CliException($"{path}: {e.Message}");
            }
            return 0;
        }
        var r = await ReadRelease(path);
        var h = r.Header;
        stdout.WriteLine($"""
            list       {h.List}
            origin     {h.Origin}
            version    {h.Version}
            previous   {(h.Previous is { } p ? p.Hex : "none (first release)")}
            created    {h.Created:yyyy-MM-ddTHH:mm:ssZ}
            expires    {h.Expires:yyyy-MM-ddTHH:mm:ssZ}
            audience   {h.Audience}
            tlp        {h.Tlp}
            added      {r.Added}
            withdrawn  {r.Withdrawn}
            size       {r.Length} bytes
            sha256     {r.Digest}
            """);
        return 0;
    }

    private static async Task<ReleaseSummary> ReadRelease(string path)
    {
        await using var file = File.OpenRead(path);
        try
        {
            return await ReleaseSummary.ReadAsync(file);
        }
        catch (ReleaseFormatException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
    }

    /// <summary>An ISO-8601 time (UTC unless it says otherwise) or a number of days from now, like <c>30d</c>.</summary>
    private static DateTimeOffset Expiry(string text, DateTimeOffset now)
    {
        if (text.EndsWith('d') && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days > 0)
            return now.AddDays(days);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at;
        throw new CliException($"--expires: '{text}' is neither an ISO-8601 time nor a number of days such as 30d");
    }

    private static CliArgs Parse(string[] args, string[] options)
    {
        var a = CliArgs.Parse(args, options);
        if (a.Positionals.Count > 0) throw new CliException($"unexpected argument '{a.Positionals[0]}'", 2);
        return a;
    }

    private static T Option<T>(CliArgs a, string name, Func<string, T> parse) => Option(a.Required(name), name, parse);

    private static T Option<T>(string value, string name, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (FormatException e)
        {
            throw new CliException($"--{name}: {e.Message}");
        }
    }
}
