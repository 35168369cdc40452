using Federation.Core.Requests;
using Federation.Core.Tests.Support;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>Archiving (docs/requests.md, "Retention"): a closed case leaves the working boxes, on each node by its own retention law.</summary>
public sealed class ArchiveTests
{
    private static readonly Actor KrAuditor = new(Kr, "urn:federation:person:kr-knpa:auditor", CaseRole.Auditor);

    [Fact]
    public void Closing_dates_the_case_and_the_node_or_its_data_protection_officer_archives_it_on_either_side()
    {
        var closed = Take(In(RequestState.Responded), new Close("Subscriber identified"), KrOfficer, Some.Now.AddDays(1));
        Assert.Equal(Some.Now.AddDays(1), closed.ClosedAt);

        var byNode = Take(closed, new Archive("retention"), Actor.System(Nl), Some.Now.AddDays(366));
        var byDpo = Take(closed, new Archive("case file complete"), KrAuditor, Some.Now.AddDays(30));

        Assert.Equal(new Archived("urn:federation:node:nl-police", Some.Now.AddDays(366), "retention"), byNode.Archived);
        Assert.Equal(KrAuditor.Person, byDpo.Archived!.By);
        Assert.Equal(RequestState.Closed, byDpo.State);
        Assert.Equal(closed.SharedView(), byDpo.SharedView()); // the peer's copy is not archived by this node's law
        Assert.False(new Archive("x").IsShared(closed));
    }

    public static TheoryData<RequestState> EveryStateButClosed() => [.. Enum.GetValues<RequestState>().Except([RequestState.Closed])];

    [Theory]
    [MemberData(nameof(EveryStateButClosed))]
    public void Only_a_closed_case_is_archived(RequestState state)
    {
        var decision = RequestRules.Take(In(state), new Archive("retention"), KrAuditor, Some.Now);

        Assert.Equal(RequestRuleCodes.State, decision.Violation?.Rule);
    }

    [Fact]
    public void Only_the_node_or_an_auditor_archives_once_and_with_a_reason()
    {
        var closed = Take(In(RequestState.Responded), new Close("done"), KrOfficer, Some.Now);
        foreach (var role in Enum.GetValues<CaseRole>().Except([CaseRole.Auditor, CaseRole.System]))
            Assert.Equal(RequestRuleCodes.Role, RequestRules.Take(closed, new Archive("x"), KrAuditor with { Role = role }, Some.Now).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.ReasonRequired, RequestRules.Take(closed, new Archive(" "), KrAuditor, Some.Now).Violation?.Rule);
        var archived = Take(closed, new Archive("x"), KrAuditor, Some.Now);
        Assert.Equal(RequestRuleCodes.State, RequestRules.Take(archived, new Archive("again"), KrAuditor, Some.Now).Violation?.Rule);
    }
}
