namespace Federation.Node.Hosting;

/// <summary>A configuration value the node cannot run with. The message names the key and the value.</summary>
public sealed class NodeConfigurationException(string key, string? value, string problem)
    : Exception($"{key} = '{value ?? "(missing)"}': {problem}")
{
    public string Key { get; } = key;
}
