namespace Federation.Node.Ledger;

public static class LedgerServices
{
    /// <summary>The ledger's services: log reads, checkpoints and the checkpoint job.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, LedgerSettings ledger)
    {
        services.AddSingleton(ledger);
        services.AddSingleton<LedgerLog>();
        services.AddSingleton<LedgerCheckpoints>();
        services.AddTransient<LedgerCheckpointJob>();
        return services;
    }
}
