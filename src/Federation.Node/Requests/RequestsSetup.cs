using Federation.Node.Sync;
using Marten;

namespace Federation.Node.Requests;

/// <summary>What requests add to Marten and to the services.</summary>
public static class RequestsSetup
{
    public static void Configure(StoreOptions opts)
    {
        opts.Schema.For<RequestFile>().Identity(f => f.Id).Index(f => f.DueAt).Index(f => f.Box);
        opts.Schema.For<HeldCaseStep>().Identity(h => h.Id);
        opts.Events.AddEventType<RequestStepRecorded>();
        opts.Events.AddEventType<RequestEscalated>();
        opts.Events.AddEventType<RequestStepSuperseded>();
        opts.Events.AddEventType<HeldStepRefused>();
    }

    public static IServiceCollection AddRequests(this IServiceCollection services)
    {
        services.AddSingleton<CaseJournal>();
        services.AddSingleton<CaseStepReceiver>();
        services.AddSingleton<IItemHandler>(sp => sp.GetRequiredService<CaseStepReceiver>());
        services.AddSingleton<RequestDesk>();
        services.AddSingleton<RequestEscalation>();
        services.AddTransient<RequestClockJob>();
        return services;
    }
}
