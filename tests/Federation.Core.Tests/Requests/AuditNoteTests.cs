using Federation.Core.Requests;
using Federation.Core.Tests.Support;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>
/// Auditors never transition; they attach signed notes. That auditors are refused every
/// action is in <see cref="RequestTransitionTests"/> (every role the rules do not list); here, the note itself.
/// </summary>
public sealed class AuditNoteTests
{
    private static readonly Actor KrAuditor = new(Kr, "urn:federation:person:kr-knpa:auditor", CaseRole.Auditor);
    private static readonly Actor NlAuditor = new(Nl, "urn:federation:person:nl-police:auditor", CaseRole.Auditor);

    public static TheoryData<RequestState> EveryState() => [.. Enum.GetValues<RequestState>()];

    [Theory]
    [MemberData(nameof(EveryState))]
    public void An_auditor_of_either_side_notes_a_case_in_any_state_and_nothing_else_changes(RequestState state)
    {
        var before = In(state);
        foreach (var auditor in new[] { KrAuditor, NlAuditor })
        {
            var after = Take(before, new AuditNote("The justification for the disclosure is thin"), auditor, Some.Now.AddHours(2));

            Assert.Equal([new AuditFinding(auditor.Person, Some.Now.AddHours(2), "The justification for the disclosure is thin")], after.AuditFindings);
            Assert.Equal(before with { AuditFindings = after.AuditFindings }, after);
            Assert.Equal(before.SharedView(), after.SharedView()); // notes stay on the node: the peer's case does not change
        }
    }

    [Fact]
    public void Notes_accumulate_oldest_first()
    {
        var once = Take(In(RequestState.Accepted), new AuditNote("first"), KrAuditor, Some.Now);
        var twice = Take(once, new AuditNote("second"), KrAuditor, Some.Now.AddMinutes(1));

        Assert.Equal(["first", "second"], twice.AuditFindings!.Select(f => f.Finding));
    }

    [Fact]
    public void Only_an_auditor_may_note_and_a_note_needs_its_finding()
    {
        var current = In(RequestState.Accepted);
        foreach (var role in Enum.GetValues<CaseRole>().Except([CaseRole.Auditor]))
            Assert.Equal(RequestRuleCodes.Role, RequestRules.Take(current, new AuditNote("x"), KrAuditor with { Role = role }, Some.Now).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.ReasonRequired, RequestRules.Take(current, new AuditNote("  "), KrAuditor, Some.Now).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.NotParty, RequestRules.Take(current, new AuditNote("x"), KrAuditor with { Node = Some.Fr }, Some.Now).Violation?.Rule);
        Assert.Equal(RequestRuleCodes.State, RequestRules.Take(null, new AuditNote("x"), KrAuditor, Some.Now).Violation?.Rule);
    }

    [Fact]
    public void A_note_is_never_sent_to_the_peer()
    {
        Assert.False(new AuditNote("x").IsShared(In(RequestState.Accepted)));
    }
}
