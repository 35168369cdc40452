using Marten;

namespace Federation.Node.Audit;

/// <summary>What the access log adds to the Marten configuration (called from <see cref="Storage.MartenSetup"/>).</summary>
public static class AuditSetup
{
    public static void Configure(StoreOptions opts) => opts.Events.AddEventType<AccessRecorded>();
}
