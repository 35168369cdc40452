using Marten;

namespace Federation.Node.Feedback;

/// <summary>What feedback adds to the Marten configuration (called from <see cref="Storage.MartenSetup"/>) and to the services.</summary>
public static class FeedbackSetup
{
    public static void Configure(StoreOptions opts)
    {
        opts.Events.AddEventType<FeedbackSent>();
        opts.Events.AddEventType<FeedbackReceived>();
    }

    public static IServiceCollection AddFeedback(this IServiceCollection services) =>
        services.AddSingleton<FeedbackService>().AddSingleton<Sync.IItemHandler, FeedbackHandler>();
}
