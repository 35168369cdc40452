using Federation.Core.Requests;
using Federation.Node.Requests;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static Federation.Node.Tests.Support.RequestSteps;

namespace Federation.Node.Tests;

/// <summary>
/// Both sides act on a case before either has seen the other's step (the pump is off in tests, so nothing travels until
/// <see cref="RequestSteps.PushAsync"/>): the two steps claim the same place in the shared history. Whatever the order of
/// delivery, both nodes must end with the same case and the same history, the losing step kept and marked superseded.
/// </summary>
public sealed class RequestsCrossingTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private TestNode Kr => nodes.Kr;
    private TestNode Fr => nodes.Fr;

    private async Task<CaseRef> AcknowledgedPreservationAsync()
    {
        var caseRef = await DeliveredAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);
        await ActAsync(Fr, "case-handler", caseRef, "acknowledge", new { responderRef = "FR-OFMIN-2026-91" });
        await PushAsync(Fr, Kr);
        return caseRef;
    }

    private async Task<(RequestDesk.RequestView Kr, RequestDesk.RequestView Fr)> BothAsync(CaseRef caseRef)
    {
        var kr = await GetAsync(Kr, "officer", caseRef);
        var fr = await GetAsync(Fr, "case-handler", caseRef);
        Assert.Equal(SharedState(kr), SharedState(fr));
        Assert.Equal(SharedHistory(kr), SharedHistory(fr));
        return (kr, fr);
    }

    [Fact]
    public async Task A_withdrawal_crossing_an_acceptance_counts_on_both_nodes_and_the_later_acceptance_is_dropped()
    {
        var caseRef = await AcknowledgedPreservationAsync();
        var withdrawal = (await ActAsync(Kr, "supervisor", caseRef, "withdraw", new { reason = "Suspect identified otherwise" })).History[^1];
        var acceptance = (await ActAsync(Fr, "case-handler", caseRef, "accept")).History[^1];
        Assert.Equal(withdrawal.Seq, acceptance.Seq); // both claim the same place

        // kr-knpa's withdrawal reaches fr-ofmin first: it is the earlier step, so fr-ofmin sets its acceptance aside and
        // applies it; then the acceptance reaches kr-knpa, which keeps its withdrawal and records the acceptance as superseded.
        await PushAsync(Kr, Fr);

        var (kr, fr) = await BothAsync(caseRef);
        Assert.Equal(RequestState.Withdrawn, kr.Case.State);
        Assert.Null(kr.Case.Conditions);
        var superseded = Assert.Single(fr.History, h => h.SupersededBy is not null);
        Assert.Equal((acceptance.DocumentSha256, withdrawal.DocumentSha256), (superseded.DocumentSha256, superseded.SupersededBy));
        // An acceptance is not possible on a withdrawn case, so fr-ofmin does not take it again.
        Assert.DoesNotContain(fr.History, h => h.Reissues is not null);
        Assert.Equal(withdrawal.Seq, fr.History.Where(h => h.Seq is not null).Max(h => h.Seq));
        Assert.Null(fr.DueAt); // the clock stopped with the withdrawal
        Assert.Equal("dropped", (await SupersededOutcomeAsync(Fr, caseRef, acceptance.DocumentSha256)).Split(':')[0]);
    }

    [Fact]
    public async Task An_acceptance_crossing_a_withdrawal_and_a_closure_wins_and_both_are_taken_again_on_top_of_it()
    {
        var caseRef = await AcknowledgedPreservationAsync();
        var acceptance = (await ActAsync(Fr, "case-handler", caseRef, "accept", new { conditions = "Use for this investigation only" })).History[^1];
        var withdrawal = (await ActAsync(Kr, "supervisor", caseRef, "withdraw", new { reason = "Suspect identified otherwise" })).History[^1];
        var closure = (await ActAsync(Kr, "officer", caseRef, "close", new { reason = "Withdrawn" })).History[^1];

        // The acceptance reaches kr-knpa first: it precedes the withdrawal, so kr-knpa sets aside its withdrawal and the
        // closure built on it, applies the acceptance and takes both again on top. Then fr-ofmin receives all four:
        // the withdrawal loses to its acceptance, the closure loses with the withdrawal, and the two retaken steps apply.
        await PushAsync(Fr, Kr);

        var (kr, fr) = await BothAsync(caseRef);
        Assert.Equal(RequestState.Closed, kr.Case.State);
        Assert.Equal("Use for this investigation only", kr.Case.Conditions); // the acceptance counts
        foreach (var view in new[] { kr, fr })
        {
            Assert.Equal([withdrawal.DocumentSha256, closure.DocumentSha256],
                view.History.Where(h => h.SupersededBy == acceptance.DocumentSha256).Select(h => h.DocumentSha256));
            var retaken = view.History.Where(h => h.Reissues is not null).ToList();
            Assert.Equal([(withdrawal.Seq + 1, "withdraw", withdrawal.DocumentSha256), (withdrawal.Seq + 2, "close", closure.DocumentSha256)],
                retaken.Select(h => (h.Seq, h.Action, h.Reissues!)));
            Assert.All(retaken, h => Assert.Null(h.SupersededBy));
            Assert.Equal(withdrawal.Person, retaken[0].Person); // taken again in the name of the person who acted
        }
        Assert.StartsWith("reissued as ", await SupersededOutcomeAsync(Kr, caseRef, withdrawal.DocumentSha256));

        // The case handler sees, on the console's timeline, which steps no longer count and what replaced them.
        using var handler = Clients.DevPerson("fr-ofmin", "case-handler", Fr);
        var token = await ConsoleForms.TokenAsync(handler, $"console/requests/{caseRef}");
        using var page = await handler.PostAsync($"console/requests/{caseRef}?handler=View",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["justification"] = "crossing test" }));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(2, html.Split("data-testid=\"superseded\"").Length - 1);
        Assert.Contains(acceptance.DocumentSha256, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_withdrawal_sent_right_after_the_request_crosses_the_delivery_and_both_nodes_end_withdrawn_without_a_clock()
    {
        var caseRef = await SentAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);
        await ActAsync(Kr, "supervisor", caseRef, "withdraw", new { reason = "Sent to the wrong agency" });

        // fr-ofmin opens the case from the send and delivers it (step 2, at reception), then gets the earlier withdrawal, also step 2.
        await PushAsync(Kr, Fr);

        var (kr, fr) = await BothAsync(caseRef);
        Assert.Equal(RequestState.Withdrawn, fr.Case.State);
        Assert.Null(fr.Case.DeliveredAt);
        Assert.Null(fr.Case.Clock);
        var delivery = Assert.Single(kr.History, h => h.Action == "deliver");
        Assert.NotNull(delivery.SupersededBy);
        Assert.Equal("peer", delivery.Via);
    }

    [Fact]
    public async Task Without_any_push_the_pull_carries_a_case_and_its_crossing_steps_and_the_late_push_changes_nothing()
    {
        var caseRef = await SentAsync(Kr, Fr, RequestType.Preserve, "BUDAPEST:29", Preservation);

        // Push never runs here: each side learns the other's steps by pulling its feed, the safety net.
        var pulled = await ListSteps.PullAsync(Fr, Kr);
        Assert.Equal(0, pulled.Quarantined);
        Assert.Equal(RequestState.Delivered, (await GetAsync(Fr, "case-handler", caseRef)).Case.State);
        await ListSteps.PullAsync(Kr, Fr);
        await ActAsync(Fr, "duty-officer", caseRef, "acknowledge", new { responderRef = "FR-OFMIN-2026-92" });
        await ListSteps.PullAsync(Kr, Fr);
        Assert.Equal(RequestState.Acknowledged, (await GetAsync(Kr, "officer", caseRef)).Case.State);

        var postponed = (await ActAsync(Fr, "case-handler", caseRef, "postpone", new { reason = "Provider closed", reviewOn = DateTimeOffset.UtcNow.AddDays(3) })).History[^1];
        await ActAsync(Kr, "supervisor", caseRef, "withdraw", new { reason = "Suspect identified otherwise" });
        // kr-knpa pulls the earlier postponement: its withdrawal is superseded and retaken on top. fr-ofmin then pulls
        // the superseded withdrawal and the retaken one. Nothing is quarantined on either side.
        Assert.Equal(0, (await ListSteps.PullAsync(Kr, Fr)).Quarantined);
        Assert.Equal(0, (await ListSteps.PullAsync(Fr, Kr)).Quarantined);

        var (kr, _) = await BothAsync(caseRef);
        Assert.Equal(RequestState.Withdrawn, kr.Case.State);
        Assert.Contains(kr.History, h => h.SupersededBy is not null);
        Assert.Contains(kr.History, h => h.DocumentSha256 == postponed.DocumentSha256);

        // Every push queued meanwhile now reaches a node that holds the step already: a duplicate, acknowledged, nothing changes.
        await PushAsync(Kr, Fr);
        Assert.Equal(SharedHistory(kr), SharedHistory(await GetAsync(Fr, "case-handler", caseRef)));
    }

    /// <summary>Steps each side may try on a preservation, with the person and body; the rules decide whether each applies.</summary>
    private static readonly (string Action, string Person, object? Body)[] RequestingMoves =
    [
        ("withdraw", "supervisor", new { reason = "Not needed any more" }),
        ("extend", "supervisor", null),
        ("release", "officer", new { reason = "Data received otherwise" }),
        ("answer", "officer", new { note = "The account is the uploader's" }),
        ("close", "officer", new { reason = "Done" }),
    ];

    private static readonly (string Action, string Person, object? Body)[] RequestedMoves =
    [
        ("accept", "case-handler", null),
        ("request-information", "case-handler", new { reason = "Which account exactly?" }),
        ("postpone", "case-handler", new { reason = "Provider unreachable", reviewOn = DateTimeOffset.UtcNow.AddDays(5) }),
        ("resume", "case-handler", null),
        ("preserve", "case-handler", null),
    ];

    [Fact]
    public async Task Random_crossings_over_many_rounds_and_any_order_of_delivery_always_converge()
    {
        // Seeded, so a failure replays; bounded: four cases of at most eight rounds each.
        var random = new Random(20261125);
        var lost = new List<string>();
        var walk = new List<string>();
        for (var n = 0; n < 4; n++)
        {
            var caseRef = await AcknowledgedPreservationAsync();
            for (var round = 0; round < 8; round++)
            {
                var kr = await GetAsync(Kr, "officer", caseRef);
                var fr = await GetAsync(Fr, "case-handler", caseRef);
                if (kr.Case.State.IsFinished() && fr.Case.State.IsFinished()) break;
                // A withdrawal ends the walk: it is only tried once the case has gone some way.
                var krMove = PickMove(random, RequestingMoves.Where(m => m.Action != "withdraw" || round >= 4).ToArray(), kr.Case.State);
                var frMove = PickMove(random, RequestedMoves, fr.Case.State);
                // Who acts first signs first, and so wins if the two cross: let either.
                var krFirst = random.Next(2) == 0;
                walk.Add($"{n}.{round}:{kr.Case.State}:{(krFirst ? "kr" : "fr")}-first:{krMove?.Action}/{frMove?.Action}");
                foreach (var (node, move) in krFirst ? new[] { (Kr, krMove), (Fr, frMove) } : [(Fr, frMove), (Kr, krMove)])
                    if (move is { } m) (await TryActAsync(node, m.Person, caseRef, m.Action, m.Body)).Dispose();

                switch (random.Next(3))
                {
                    case 0: await PushAsync(Kr, Fr); break;
                    case 1: await PushAsync(Fr, Kr); break;
                    default:
                        for (var i = 0; i < 3; i++)
                        {
                            Assert.Equal(0, (await ListSteps.PullAsync(Fr, Kr)).Quarantined);
                            Assert.Equal(0, (await ListSteps.PullAsync(Kr, Fr)).Quarantined);
                        }
                        break;
                }
                var (afterKr, _) = await BothAsync(caseRef);
                // Every superseded step names a step that counts, or one that was itself superseded; never nothing.
                Assert.All(afterKr.History.Where(h => h.SupersededBy is not null), h => Assert.Contains(afterKr.History, o => o.DocumentSha256 == h.SupersededBy));
            }
            lost.AddRange((await GetAsync(Kr, "officer", caseRef)).History.Where(h => h.SupersededBy is not null).Select(h => h.Node));
        }
        // The walk did cross, and each side lost at least once: both branches of the rule were exercised.
        Assert.True(lost.Contains("kr-knpa") && lost.Contains("fr-ofmin"), "steps lost by: " + string.Join(", ", lost) + " | " + string.Join(" ", walk));
    }

    private static (string Action, string Person, object? Body)? PickMove(Random random, (string Action, string Person, object? Body)[] moves, RequestState state)
    {
        var possible = moves.Where(m => RequestRules.Table.Single(r => r.Action == m.Action).From.Contains(state))
            .Where(m => m.Action != "close" || state.IsFinished()).ToList();
        // Sometimes a side does nothing this round, so that not every round crosses.
        return possible.Count == 0 || random.Next(4) == 0 ? null : possible[random.Next(possible.Count)];
    }

    /// <summary>What the node that took a superseded step did with it, as recorded in the case's stream.</summary>
    private static async Task<string> SupersededOutcomeAsync(TestNode node, CaseRef caseRef, string sha)
    {
        await using var session = node.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(RequestFile.Stream(caseRef));
        return events.Select(e => e.Data).OfType<RequestStepSuperseded>().Single(s => s.DocumentSha256 == sha).Outcome;
    }
}
