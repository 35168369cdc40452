using Federation.Node.Lists;
using Federation.Node.Audit;
using Federation.Node.Feedback;
using Federation.Node.Ledger;
using Federation.Node.Peers;
using Federation.Node.Sync;
using JasperFx;
using JasperFx.Events;
using Marten;

namespace Federation.Node.Storage;

/// <summary>The one place that says what the node keeps in Marten, shared by the runtime store (application role,
/// no DDL) and the migrator (owner role), so both always agree on the schema.</summary>
public static class MartenSetup
{
    public static void Configure(StoreOptions opts, string connectionString, string schema, bool mayChangeSchema)
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = schema;
        opts.Events.DatabaseSchemaName = schema;
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.AutoCreateSchemaObjects = mayChangeSchema ? AutoCreate.CreateOrUpdate : AutoCreate.None;
        opts.Schema.For<PeerStatus>().Identity(p => p.Id);
        opts.Events.AddEventType<PeerDescriptorAccepted>();
        opts.Schema.For<HashList>().Identity(l => l.Id);
        opts.Events.AddEventType<HashListCreated>();
        opts.Events.AddEventType<ReleasePublished>();
        opts.Schema.For<PeerSyncState>().Identity(p => p.Id);
        opts.Events.AddEventType<ReleaseReceived>();
        opts.Events.AddEventType<ItemQuarantined>();
        opts.Events.AddEventType<Messaging.MessageReceived>();
        opts.Events.AddEventType<PushReceiptStored>();
        Requests.RequestsSetup.Configure(opts);
        LedgerSetup.Configure(opts, schema);
        AuditSetup.Configure(opts);
        FeedbackSetup.Configure(opts);
    }
}
