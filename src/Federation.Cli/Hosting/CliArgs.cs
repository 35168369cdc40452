namespace Federation.Cli.Hosting;

/// <summary>
/// The arguments of one verb: <c>--name value</c> options, <c>--flag</c> switches and positional values.
/// Every option must be known to the verb; an unknown one is an error, so a typo never runs with a default.
/// Malformed arguments are usage errors (exit code 2).
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positionals { get; }

    private CliArgs(List<string> positionals) => Positionals = positionals;

    public static CliArgs Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string>? flags = null)
    {
        var positionals = new List<string>();
        var result = new CliArgs(positionals);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                positionals.Add(a);
                continue;
            }
            var name = a[2..];
            if (flags?.Contains(name) == true) { result._flags.Add(name); continue; }
            if (!options.Contains(name)) throw new CliException($"unknown option --{name}", 2);
            if (i + 1 >= args.Count) throw new CliException($"--{name} needs a value", 2);
            if (!result._options.TryAdd(name, args[++i])) throw new CliException($"--{name} given twice", 2);
        }
        return result;
    }

    public string Required(string name) =>
        _options.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new CliException($"--{name} is required", 2);

    public string? Optional(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>A whole number option within [<paramref name="min"/>, <paramref name="max"/>]; the error names the option.</summary>
    public int Int(string name, int defaultValue, int min, int max)
    {
        if (Optional(name) is not { } text) return defaultValue;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new CliException($"--{name}: '{text}' must be a whole number from {min} to {max}", 2);
    }
}
