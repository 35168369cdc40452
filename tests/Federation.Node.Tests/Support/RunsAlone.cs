namespace Federation.Node.Tests.Support;

/// <summary>
/// Test classes that measure the whole process (allocated bytes, open connections) join this collection: xunit runs
/// it after every parallel collection and alone, so no other test's allocations are counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
