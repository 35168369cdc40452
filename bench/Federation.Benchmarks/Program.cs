// Macro benchmarks that print figures (docs/benchmarks.md): dotnet run -c Release --project bench/Federation.Benchmarks -- <name>
return args.FirstOrDefault() switch
{
    "releases" => await Federation.Benchmarks.Releases.ReleaseBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Federation.Benchmarks releases [--entries N] [--rounds R]");
    return 2;
}
