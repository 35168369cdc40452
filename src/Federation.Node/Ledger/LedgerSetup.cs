using Marten;

namespace Federation.Node.Ledger;

/// <summary>What the ledger adds to the Marten configuration (called from <see cref="Storage.MartenSetup"/>).</summary>
public static class LedgerSetup
{
    public static void Configure(StoreOptions opts, string schema)
    {
        opts.Listeners.Add(new LedgerListener(schema));
        opts.Events.AddEventType<WitnessEquivocationDetected>();
    }
}
