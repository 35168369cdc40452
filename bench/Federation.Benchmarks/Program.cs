// One subcommand per area; each prints its figures for docs/benchmarks.md.
return args.FirstOrDefault() switch
{
    "ledger" => await Federation.Benchmarks.Ledger.LedgerBenchmark.RunAsync(args[1..]),
    "ledger-node" => await Federation.Benchmarks.Ledger.LedgerNodeBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Federation.Benchmarks -- <subcommand>");
    Console.Error.WriteLine("  ledger [leaves]   Merkle append throughput, proof generation and verification latency (default 1000000 leaves)");
    Console.Error.WriteLine("  ledger-node [events] [proof-leaves]   Marten append with the ledger vs plain Marten on PostgreSQL, proof latency over PostgreSQL");
    Console.Error.WriteLine("                    (defaults 50000 and 1000000; FEDERATION_BENCH_DB = a superuser connection string)");
    return 2;
}
