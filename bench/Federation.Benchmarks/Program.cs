using Federation.Benchmarks.Matching;

// Each benchmark is a subcommand printing its figures; record them in docs/benchmarks.md.
return args switch
{
    ["matching", .. var rest] => MatchingBenchmark.Run(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Federation.Benchmarks -- <benchmark> [options]");
    Console.Error.WriteLine("  matching [--hashes N] [--queries N]   PDQ hashing and the match index (docs/benchmarks.md, \"Media matching\")");
    return 2;
}
