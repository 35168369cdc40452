using Federation.Node.Console;
using Federation.Node.Lists;
using Federation.Node.Audit;
using Federation.Node.Feedback;
using Federation.Node.Ledger;
using Federation.Node.Matching;
using Federation.Node.Messaging;
using Federation.Node.Peers;
using Federation.Node.Requests;
using Federation.Node.Security;
using Federation.Node.Storage;
using Federation.Node.Sync;
using Hangfire;
using Hangfire.PostgreSql;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Npgsql;

namespace Federation.Node.Hosting;

/// <summary>Builds the node: settings checked first, then services, listeners and routes.</summary>
public static class NodeApp
{
    /// <summary>Builds the node; <paramref name="configure"/> lets tests add configuration sources or logging, and
    /// <paramref name="clock"/> set the node's clock (the system's by default).</summary>
    /// <exception cref="NodeConfigurationException">A configuration value is invalid; the message names the key.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        // --config <file.json>: the node's own settings file, reloaded on change (peers, people); environment
        // variables and the command line still win over it.
        if (builder.Configuration["config"] is { } file)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: true);
            builder.Configuration.AddEnvironmentVariables();
            builder.Configuration.AddCommandLine(args);
        }
        configure?.Invoke(builder);
        var time = clock ?? TimeProvider.System;
        var settings = NodeSettingsLoader.Load(builder.Configuration, builder.Environment, time);
        var ledger = LedgerSettings.Load(builder.Configuration, builder.Environment, settings.NodeId);
        var jobsEnabled = builder.Configuration.GetValue("Node:Jobs:Enabled", true);

        var services = builder.Services;
        services.AddSingleton(time);
        services.AddSingleton(settings);
        services.AddSingleton<NodeSettingsMonitor>();
        services.AddSingleton<NodeListeners>();
        services.AddSingleton<PeerClient>();
        services.AddSingleton<PeerMonitor>();
        services.AddSingleton<NodeDescriptorSource>();
        services.AddSingleton(sp => new CrlStore(sp.GetRequiredService<NpgsqlDataSource>(), settings.Schema));
        services.AddSingleton<CrlFetcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CrlFetcher>());
        services.AddTransient<PeerRefreshJob>();
        services.AddSingleton(ListsOptions.Load(builder.Configuration));
        services.AddSingleton<ReleasePublisher>();
        var syncPageSize = builder.Configuration.GetValue("Node:Sync:PageSize", PeerSync.DefaultPageSize);
        var syncOptions = SyncOptions.Load(builder.Configuration);
        services.AddSingleton(syncOptions);
        services.AddSingleton(sp => new PeerSync(sp.GetRequiredService<NodeSettingsMonitor>(), sp.GetRequiredService<PeerClient>(), sp.GetRequiredService<IDocumentStore>(),
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ItemReceiver>(), time, sp.GetRequiredService<ILogger<PeerSync>>())
            { PageSize = syncPageSize, Options = syncOptions });
        // Incoming item kinds: one IItemHandler each (docs/formats.md §4); ItemReceiver dispatches pulled and pushed items.
        services.AddSingleton<ItemReceiver>();
        services.AddSingleton<IItemHandler, ReleaseItemHandler>();
        services.AddSingleton<IItemHandler, GenericMessageHandler>();
        services.AddSingleton<MessageSender>();
        services.AddRequests();
        services.AddSingleton<OutboxDelivery>();
        // The outbox pump is no Hangfire job (it reacts to commits within milliseconds), but it follows the jobs switch
        // so tests, which run several nodes in one process, drive delivery themselves unless they turn it on.
        if (builder.Configuration.GetValue("Node:Outbox:Pump", jobsEnabled))
            services.AddHostedService<OutboxPump>();
        services.AddTransient<PeerSyncJob>();
        services.AddMatching(builder.Configuration);
        services.AddFeedback();
        services.AddLedger(ledger);
        services.AddAccessLog();
        services.AddNodeConsole();
        Console.DataProtectionKeyRing.AddNodeDataProtection(services, settings.NodeId.Value, settings.Schema, settings.DataProtectionKey);
        services.AddProblemDetails();
        services.AddNodeAuthentication(builder.Configuration);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddOpenApi("v1", o => o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
        services.AddSingleton(_ => NpgsqlDataSource.Create(settings.ConnectionString));
        services.AddMarten(o => MartenSetup.Configure(o, settings.ConnectionString, settings.Schema, mayChangeSchema: false)).UseLightweightSessions();

        services.AddHangfire((provider, c) => c
            .UseLogProvider(new HangfireLogProvider(provider.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(settings.ConnectionString), new PostgreSqlStorageOptions
            {
                SchemaName = DatabaseMigrator.HangfireSchema,
                PrepareSchemaIfNecessary = false, // the owner role migrates; the node runs without DDL rights
                QueuePollInterval = TimeSpan.FromSeconds(2),
                // A sync longer than the invisibility timeout would otherwise run twice.
                UseSlidingInvisibilityTimeout = true,
            }));
        if (jobsEnabled)
            services.AddHangfireServer(o => { o.WorkerCount = 4; o.SchedulePollingInterval = TimeSpan.FromSeconds(5); });

        var servingLimits = ServingLimits.Load(builder.Configuration);
        builder.WebHost.ConfigureKestrel((ctx, k) => KestrelSetup.Configure(k, settings, k.ApplicationServices.GetRequiredService<NodeListeners>(), servingLimits));

        var app = builder.Build();
        app.UseMiddleware<FaceRoutingMiddleware>();
        app.UseNodeConsole();
        // Routing after the console's status pages, so that their re-execution is routed to the status page.
        app.UseRouting();
        // After routing, which tells what the endpoint takes; before authentication, so that nothing runs for a page
        // of another site.
        app.UseMiddleware<CrossSiteGuard>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthApi();
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Policies.Person);
        app.MapPeersApi();
        app.MapListsApi();
        app.MapMatchApi();
        app.MapFeedbackApi();
        app.MapFeedApi();
        app.MapInboxApi();
        app.MapRequestsApi();
        app.MapSyncMetrics();
        app.MapLedgerApi();
        app.MapNodeConsole();
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Operator, "/hangfire");
        return app;
    }

    /// <summary>Migrates the schema (when an owner connection is configured) and registers the recurring jobs.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken ct = default)
    {
        var settings = app.Services.GetRequiredService<NodeSettingsMonitor>().Current;
        if (settings.OwnerConnectionString is { } owner)
            await DatabaseMigrator.MigrateAsync(owner, settings.ConnectionString, settings.Schema, ct);
        var minutes = Math.Max(1, (int)Math.Round(settings.PeerRefreshInterval.TotalMinutes));
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<PeerRefreshJob>(PeerRefreshJob.Id, j => j.RunAsync(CancellationToken.None), $"*/{minutes} * * * *",
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        var syncMinutes = Math.Max(1, (int)Math.Round(settings.PeerSyncInterval.TotalMinutes));
        foreach (var peer in settings.Peers.Keys)
        {
            var id = peer.Value;
            jobs.AddOrUpdate<PeerSyncJob>(PeerSyncJob.IdFor(peer), j => j.RunAsync(id, CancellationToken.None), $"*/{syncMinutes} * * * *",
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
        LedgerCheckpointJob.Schedule(app.Services.GetRequiredService<IRecurringJobManager>(), app.Services.GetRequiredService<LedgerSettings>());
    }
}
