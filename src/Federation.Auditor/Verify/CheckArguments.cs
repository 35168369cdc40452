using System.Globalization;
using Federation.Auditor.Hosting;

namespace Federation.Auditor.Verify;

/// <summary>
/// The arguments <c>fedaudit verify</c> and <c>fedaudit proof</c> share: what to check (one positional), the trust
/// directory, the witness quorum and its freshness bound, and the verb's own options (each taking a value). A
/// malformed value or an argument the verb does not know is a <see cref="UsageException"/> (exit 2), never a default.
/// </summary>
internal sealed record CheckArguments(string? Target, string? Trust, int Quorum, DateTimeOffset? FreshSince, IReadOnlyDictionary<string, string> Options)
{
    public static CheckArguments Parse(string[] args, params string[] verbOptions)
    {
        string? target = null, trust = null;
        var quorum = 0;
        DateTimeOffset? freshSince = null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--trust" when hasValue:
                    trust = args[++i];
                    break;
                case "--quorum" when hasValue:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out quorum))
                        throw new UsageException($"--quorum: '{args[i]}' is not a whole number");
                    break;
                case "--fresh-since" when hasValue:
                    freshSince = Rfc3339.Parse(args[++i])
                        ?? throw new UsageException($"--fresh-since: '{args[i]}' is not an RFC 3339 time with its offset (e.g. 2026-12-07T16:00:00Z)");
                    break;
                case var o when hasValue && o.StartsWith("--", StringComparison.Ordinal) && verbOptions.Contains(o[2..]):
                    options[o[2..]] = args[++i];
                    break;
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && target is null:
                    target = a;
                    break;
                default:
                    throw new UsageException($"unexpected argument '{args[i]}'");
            }
        }
        return new CheckArguments(target, trust, quorum, freshSince, options);
    }

    public string? Option(string name) => Options.TryGetValue(name, out var value) ? value : null;
}
