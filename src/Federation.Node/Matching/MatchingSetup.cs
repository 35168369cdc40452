namespace Federation.Node.Matching;

public static class MatchingSetup
{
    /// <summary>The match index (loaded and kept current by <see cref="EntryIndexFeeder"/>), upload hashing and <see cref="MatchService"/>.</summary>
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(MatchingOptions.Load(configuration));
        services.AddSingleton<EntryIndex>();
        services.AddHostedService<EntryIndexFeeder>();
        services.AddSingleton<UploadHasher>();
        services.AddSingleton<MatchService>();
        return services;
    }
}
