using System.Globalization;
using Federation.Core.Identity;
using Federation.Core.Ledger;
using Federation.Core.Pki;
using Federation.Node.Hosting;

namespace Federation.Node.Ledger;

/// <summary>
/// The node's transparency-log configuration, checked before anything starts (see docs/configuration.md):
/// <c>Node:Certificates:LogKey</c> and <c>WitnessKey</c> (C2SP signer-key files), <c>Node:Ledger:Origin</c>
/// (defaults from the node id, and must be the log key's name), the checkpoint cadence and the outside witnesses
/// (<c>Node:Ledger:Witnesses</c>). Owns the keys.
/// </summary>
public sealed class LedgerSettings : IDisposable
{
    private LedgerSettings(string origin, Ed25519NoteSigner logKey, CosignatureV1Signer witnessKey, TimeSpan checkpointInterval, TimeSpan freshness,
        IReadOnlyList<OutsideWitness> witnesses) =>
        (Origin, LogKey, WitnessKey, CheckpointInterval, Freshness, Witnesses) = (origin, logKey, witnessKey, checkpointInterval, freshness, witnesses);

    /// <summary>The first line of every checkpoint; equal to the log key's name.</summary>
    public string Origin { get; }

    /// <summary>Signs checkpoints (Ed25519, type 0x01). Its verifier key is published in the descriptor and at /federation/v1/log/key.</summary>
    public Ed25519NoteSigner LogKey { get; }

    /// <summary>Cosigns peers' checkpoints (cosignature/v1, type 0x04); a separate key, published in the descriptor.</summary>
    public CosignatureV1Signer WitnessKey { get; }

    /// <summary>A grown log gets a new checkpoint at most this often (<c>Node:Ledger:CheckpointSeconds</c>).</summary>
    public TimeSpan CheckpointInterval { get; }

    /// <summary>A checkpoint is signed at least this often, grown or not, so freshness is provable (<c>Node:Ledger:CheckpointMinutes</c>).</summary>
    public TimeSpan Freshness { get; }

    /// <summary>Witnesses that are not peers (<c>Node:Ledger:Witnesses</c>), asked for cosignatures like the peers.</summary>
    public IReadOnlyList<OutsideWitness> Witnesses { get; }

    public static LedgerSettings Load(IConfiguration configuration, IHostEnvironment environment, NodeId node)
    {
        var root = configuration.GetSection(NodeSettingsLoader.Section);
        var baseDir = Path.GetFullPath(root["BaseDirectory"] ?? environment.ContentRootPath);
        var certs = root.GetSection("Certificates");
        var ledger = root.GetSection("Ledger");

        var logKey = LoadKey(certs, "LogKey", baseDir, Ed25519NoteSigner.Parse);
        var witnessKey = LoadKey(certs, "WitnessKey", baseDir, CosignatureV1Signer.Parse);
        if (!environment.IsDevelopment())
        {
            foreach (var (name, verifier) in new[] { ("LogKey", logKey.Verifier.ToString()), ("WitnessKey", witnessKey.Verifier.ToString()) })
            {
                if (DevKeys.IsDevelopmentKey(DevKeys.NoteKeyFingerprint(verifier)))
                    throw NodeSettingsLoader.DevKey(certs, name, NodeSettingsLoader.ExistingFile(certs, name, baseDir));
                NodeSettingsLoader.RefuseOpenKeyFile(certs, name, baseDir);
            }
        }
        if (ledger["Origin"] is { } origin)
        {
            if (origin != logKey.Name) throw Bad(ledger, "Origin", $"must equal the log key's name '{logKey.Name}' (tlog-checkpoint: the log key is named after the origin)");
        }
        else if (logKey.Name != LogNames.DefaultOrigin(node))
            throw Bad(certs, "LogKey", $"the key is named '{logKey.Name}', not the default origin '{LogNames.DefaultOrigin(node)}'; set Node:Ledger:Origin to the key's name");
        if (witnessKey.Name == logKey.Name) throw Bad(certs, "WitnessKey", "must not share the log key's name");

        var seconds = WholeNumber(ledger, "CheckpointSeconds", 10, 1, 3600, "seconds");
        var minutes = WholeNumber(ledger, "CheckpointMinutes", 5, 1, 1440, "minutes");
        if (minutes * 60 < seconds) throw Bad(ledger, "CheckpointMinutes", "must not be shorter than CheckpointSeconds");
        var witnesses = OutsideWitness.LoadAll(ledger, baseDir, witnessKey.Verifier);
        return new LedgerSettings(logKey.Name, logKey, witnessKey, TimeSpan.FromSeconds(seconds), TimeSpan.FromMinutes(minutes), witnesses);
    }

    private static T LoadKey<T>(IConfigurationSection s, string key, string baseDir, Func<string, T> parse)
    {
        var value = s[key];
        if (string.IsNullOrWhiteSpace(value)) throw Bad(s, key, "is required (create one with: fedctl certs log-key / witness-key)");
        var path = Path.IsPathRooted(value) ? value : Path.Combine(baseDir, value);
        if (!File.Exists(path)) throw Bad(s, key, $"file {path} does not exist");
        try
        {
            return parse(File.ReadAllText(path).Trim());
        }
        catch (FormatException e)
        {
            throw Bad(s, key, $"is not a C2SP signer key of the expected type: {e.Message}");
        }
    }

    private static int WholeNumber(IConfigurationSection s, string key, int fallback, int min, int max, string unit)
    {
        if (s[key] is not { } text) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Bad(s, key, $"must be a whole number of {unit} from {min} to {max}");
    }

    private static NodeConfigurationException Bad(IConfigurationSection s, string key, string problem) => new($"{s.Path}:{key}", s[key], problem);

    public void Dispose()
    {
        LogKey.Dispose();
        WitnessKey.Dispose();
    }
}
