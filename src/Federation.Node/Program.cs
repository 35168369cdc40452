using Federation.Node.Hosting;

WebApplication app;
try
{
    app = NodeApp.Build(args);
}
catch (NodeConfigurationException e)
{
    // One clear line naming the key and the value; the operator fixes it and starts again.
    Console.Error.WriteLine($"federation-node: configuration error: {e.Message}");
    return 2;
}
if (args.Contains("--migrate-only"))
{
    await NodeApp.PrepareAsync(app);
    Console.WriteLine("federation-node: schema migrated");
    return 0;
}
await NodeApp.PrepareAsync(app);
await app.RunAsync();
return 0;

/// <summary>Entry point type, public for the integration tests.</summary>
public partial class Program;
