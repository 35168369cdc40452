// One subcommand per area; each prints its figures for docs/benchmarks.md:
//   dotnet run -c Release --project bench/Federation.Benchmarks -- <subcommand>
return args.FirstOrDefault() switch
{
    "ledger" => await Federation.Benchmarks.Ledger.LedgerBenchmark.RunAsync(args[1..]),
    "ledger-node" => await Federation.Benchmarks.Ledger.LedgerNodeBenchmark.RunAsync(args[1..]),
    "audit-verify" => Federation.Benchmarks.Ledger.AuditVerifyBenchmark.Run(args[1..]),
    "releases" => await Federation.Benchmarks.Releases.ReleaseBenchmark.RunAsync(args[1..]),
    "releases-store" => await Federation.Benchmarks.Releases.ReleaseStoreBenchmark.RunAsync(args[1..]),
    "matching" => Federation.Benchmarks.Matching.MatchingBenchmark.Run(args[1..]),
    "sync" => await Federation.Benchmarks.Sync.SyncBenchmark.RunAsync(args[1..]),
    "matching-node" => await Federation.Benchmarks.Matching.MatchNodeBenchmark.RunAsync(args[1..]),
    "load" => await Federation.Benchmarks.Load.LoadBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Federation.Benchmarks -- <subcommand>");
    Console.Error.WriteLine("  ledger [leaves]                     Merkle append throughput, proof generation and verification latency (default 1000000 leaves)");
    Console.Error.WriteLine("  ledger-node [events] [proof-leaves] Marten append with the ledger vs plain Marten, proof latency over PostgreSQL");
    Console.Error.WriteLine("                                      (defaults 50000 and 1000000; FEDERATION_BENCH_DB = a superuser connection string)");
    Console.Error.WriteLine("  audit-verify [entries] [envelope-every] [--keep]  fedaudit verify of a bundle (default 1000000 entries, a release envelope every 1000)");
    Console.Error.WriteLine("  releases [--entries N] [--rounds R] pack + sign, verify + parse, peak memory of a hash-list release");
    Console.Error.WriteLine("  releases-store [--entries N]        the node's storing of a release's entries vs a raw binary COPY (PostgreSQL)");
    Console.Error.WriteLine("  matching [--hashes N] [--queries N] PDQ hashing and the match index");
    Console.Error.WriteLine("  sync [--entries N] [--rounds R] [--pushes P]  two nodes on loopback: pull + verify + store a release vs transfer + raw COPY;");
    Console.Error.WriteLine("                                      push send → receipt latency (FEDERATION_BENCH_DB = a superuser connection string)");
    Console.Error.WriteLine("  matching-node [--hashes N] [--sha256 N] [--queries N]  the node's match index loaded from PostgreSQL");
    Console.Error.WriteLine("                                      (defaults 10000000 PDQ, 1000000 SHA-256; FEDERATION_BENCH_DB as for ledger-node)");
    Console.Error.WriteLine("  load [--seconds S] [--hash-clients N] [--image-clients N] [--inbox-clients N] [--entries N] [--smoke]");
    Console.Error.WriteLine("                                      sustained mTLS load on the match API and the federation inbox (default 600 s)");
    return 2;
}
