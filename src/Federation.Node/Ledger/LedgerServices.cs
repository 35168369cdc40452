namespace Federation.Node.Ledger;

public static class LedgerServices
{
    /// <summary>The ledger's services: log reads, checkpoints, witnessing (both sides) and the checkpoint job.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, LedgerSettings ledger)
    {
        services.AddSingleton(ledger);
        services.AddSingleton<LedgerLog>();
        services.AddSingleton<AuditBundleWriter>();
        services.AddSingleton<LedgerProofs>();
        services.AddSingleton<LedgerCheckpoints>();
        services.AddSingleton<WitnessRecords>();
        services.AddSingleton<WitnessService>();
        services.AddSingleton<OutsideWitnessClients>();
        services.AddSingleton<Witnessing>();
        services.AddSingleton<FreshCheckpoint>();
        services.AddSingleton<WitnessViews>();
        services.AddTransient<LedgerCheckpointJob>();
        return services;
    }
}
