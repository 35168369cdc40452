using Federation.Core.Identity;
using Federation.Core.Requests;
using static Federation.Core.Tests.Requests.SomeRequests;

namespace Federation.Core.Tests.Requests;

/// <summary>The rule that decides which of two crossing steps keeps their place: both nodes must reach the same answer.</summary>
public sealed class CrossingStepTests
{
    private static readonly CaseRef Case = CaseRef.New(Kr, DateTimeOffset.Parse("2026-11-25T08:00:00Z"));
    private static readonly DateTimeOffset T = DateTimeOffset.Parse("2026-11-25T09:00:00.1234567Z");

    private static (CaseStepDocument Doc, string Sha) Step(Actor actor, DateTimeOffset at, RequestStep step)
    {
        var doc = new CaseStepDocument(CaseStepDocument.CurrentVersion, Case, 4, new string('a', 64), actor, at, step);
        return (doc, CaseStepDocument.Sha256Hex(doc.ToUtf8()));
    }

    [Fact]
    public void The_earlier_signed_step_precedes_whichever_side_asks()
    {
        var withdraw = Step(KrSupervisor, T, new Withdraw("no longer needed"));
        var accept = Step(NlHandler, T.AddTicks(1), new Accept());

        Assert.True(CaseStepDocument.Precedes(withdraw.Doc, withdraw.Sha, accept.Doc, accept.Sha));
        Assert.False(CaseStepDocument.Precedes(accept.Doc, accept.Sha, withdraw.Doc, withdraw.Sha));
    }

    [Fact]
    public void The_time_is_compared_as_an_instant_not_as_written()
    {
        var utc = Step(KrSupervisor, T, new Withdraw("no longer needed"));
        // The same instant written in Seoul time is not earlier: an offset must not let a node win.
        var seoul = Step(NlHandler, T.ToOffset(TimeSpan.FromHours(9)).AddTicks(1), new Accept());

        Assert.True(CaseStepDocument.Precedes(utc.Doc, utc.Sha, seoul.Doc, seoul.Sha));
    }

    [Fact]
    public void At_the_same_instant_the_lower_digest_precedes_and_exactly_one_of_the_two_does()
    {
        var a = Step(KrSupervisor, T, new Withdraw("no longer needed"));
        var b = Step(NlHandler, T, new Accept());
        var lower = string.CompareOrdinal(a.Sha, b.Sha) < 0 ? a : b;
        var higher = ReferenceEquals(lower.Doc, a.Doc) ? b : a;

        Assert.True(CaseStepDocument.Precedes(lower.Doc, lower.Sha, higher.Doc, higher.Sha));
        Assert.False(CaseStepDocument.Precedes(higher.Doc, higher.Sha, lower.Doc, lower.Sha));
    }

    [Fact]
    public void A_reissued_step_names_the_step_it_takes_again_inside_the_signed_document()
    {
        var original = Step(KrSupervisor, T, new Withdraw("no longer needed"));
        var again = original.Doc with { Seq = 5, At = T.AddSeconds(3), Reissues = original.Sha };

        var parsed = CaseStepDocument.Parse(again.ToUtf8());

        Assert.Equal(original.Sha, parsed.Reissues);
        Assert.Null(CaseStepDocument.Parse(original.Doc.ToUtf8()).Reissues);
    }
}
