namespace Federation.Auditor.Hosting;

/// <summary>
/// The arguments of one verb: <c>--name value</c> options and positional values. Every option must be known to
/// the verb and given once, so a typo never verifies against a default.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    public IReadOnlyList<string> Positionals => _positionals;

    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options)
    {
        var result = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                result._positionals.Add(a);
                continue;
            }
            var name = a[2..];
            if (!options.Contains(name)) throw new UsageException($"unknown option --{name}");
            if (i + 1 >= args.Count) throw new UsageException($"--{name} needs a value");
            if (!result._options.TryAdd(name, args[++i])) throw new UsageException($"--{name} given twice");
        }
        return result;
    }

    public string Required(string name) =>
        _options.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new UsageException($"--{name} is required");

    /// <summary>The option's value, or null when it is not given.</summary>
    public string? Optional(string name) => _options.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>Exactly one positional value, named <paramref name="what"/> in the error.</summary>
    public string SinglePositional(string what) => _positionals.Count switch
    {
        1 => _positionals[0],
        0 => throw new UsageException($"{what} is required"),
        _ => throw new UsageException($"one {what} expected, got {_positionals.Count}"),
    };
}
