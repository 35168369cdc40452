using System.Text.Json;
using Federation.Core.Identity;
using Federation.Core.Requests;
using Federation.Node.Hosting;
using Federation.Node.Messaging;
using Hangfire;
using Marten;
using Npgsql;

namespace Federation.Node.Requests;

/// <summary>
/// Escalation as a case's clock runs down (docs/requests.md, "Clocks and escalation"): an unacknowledged delivery (2 days, 4 h urgent,
/// 30 min emergency), reminder to the assignees at 50 %, supervisors
/// and duty officers at 80 %, overdue at 100 % with a signed reminder to the peer (25/50/100 % in an emergency);
/// preservation expiry warnings and the expiry itself. Each point is a Hangfire job scheduled at its time
/// (<see cref="Schedule"/>), so nothing polls; each job re-reads the case and acts only if its point is still due —
/// a pause, an answer or a rolled-back step simply leaves it with nothing to do.
/// </summary>
public sealed class RequestEscalation(IDocumentStore store, NpgsqlDataSource db, NodeSettingsMonitor settings, CaseJournal journal, MessageSender sender,
    IServiceProvider services)
{
    public const string PreservationWarning = "preservation-warning";
    public const string PreservationExpiry = "preservation-expiry";
    public const string ValidationDue = "validation-due";
    public const string ArchivePoint = "archive";
    public const string AcknowledgementDue = "acknowledgement-due";

    /// <summary>
    /// The escalation points of a case as this node holds it: name and time. With <paramref name="archiveAfter"/>, a closed
    /// case also has its archiving point, that long after closing.
    /// </summary>
    public static IReadOnlyList<(string Point, DateTimeOffset At)> DuePoints(RequestCase c, NodeId self, TimeSpan? archiveAfter = null)
    {
        var points = new List<(string, DateTimeOffset)>();
        if (c.Clock is { IsRunning: true } clock)
            foreach (var e in Enum.GetValues<Escalation>())
                points.Add((RequestJson.Name(e), clock.EscalationAt(e)!.Value));
        // Nobody took the request on: both sides' people are told when the acknowledgement time has run out — unless the
        // response itself is due by then, whose own alarms say more.
        if (c.State == RequestState.Delivered && c.DeliveredAt is { } delivered
            && delivered + ProcedureProfile.AcknowledgementTime(c.EffectivePriority) is var ackDue && !(c.Clock?.Due <= ackDue))
            points.Add((AcknowledgementDue, ackDue));
        // An emergency sent before validation: the requesting side is told when the 48 h run out unvalidated.
        if (c.ValidationPending && self == c.RequestingNode && !c.State.IsFinished())
            points.Add((ValidationDue, c.ValidationDue!.Value));
        if (c.State == RequestState.Preserved && c.FollowUpCase is null && c.PreservedUntil is { } until && ProcedureProfiles.Find(c.Profile).Preservation is { } terms)
        {
            points.Add((PreservationWarning, until - terms.ExpiryWarning));
            if (self == c.RequestedNode) points.Add((PreservationExpiry, until));
        }
        // Not while a deletion is awaited: the case stays in the working boxes until it is confirmed, then the point is set.
        if (c.State == RequestState.Closed && c.Archived is null && c.Restriction?.DeletionAwaited != true && c.ClosedAt is { } closed && archiveAfter is { } after)
            points.Add((ArchivePoint, closed + after));
        return points;
    }

    /// <summary>
    /// Schedules a job for each due point the step added (the points <paramref name="before"/> had are scheduled already).
    /// Called in the step's transaction: should that roll back, the jobs find nothing due.
    /// </summary>
    public void Schedule(RequestCase? before, RequestCase c)
    {
        var (self, archiveAfter) = (settings.Current.NodeId, settings.Current.ArchiveAfter);
        var known = before is null ? [] : DuePoints(before, self, archiveAfter);
        // Resolved late: Hangfire's client needs its storage, which a node without jobs (tests) still configures.
        var client = services.GetService<IBackgroundJobClient>();
        if (client is null) return;
        foreach (var (point, at) in DuePoints(c, self, archiveAfter).Except(known))
        {
            var caseRef = c.Case.Value;
            client.Schedule<RequestClockJob>(j => j.RunAsync(caseRef, point, at, CancellationToken.None), at);
        }
    }

    /// <summary>
    /// Fires <paramref name="point"/> of a case if it is still due at <paramref name="expectedAt"/> and that time has come by
    /// <paramref name="now"/>. Returns what was recorded, or null when there was nothing to do. Safe to run twice.
    /// </summary>
    public async Task<RequestEscalated?> FireAsync(CaseRef caseRef, string point, DateTimeOffset expectedAt, DateTimeOffset now, CancellationToken ct)
    {
        if (now < expectedAt) return null;
        var s = settings.Current;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx));
        var scope = new CaseJournal.Scope(conn, tx, session);
        await CaseJournal.LockAsync(scope, caseRef, ct);
        var file = await session.LoadAsync<RequestFile>(caseRef.Value, ct);
        if (file is null) return null;
        var c = file.ReadCase();
        if (point == ArchivePoint && DuePoints(c, s.NodeId, s.ArchiveAfter).FirstOrDefault(p => p.Point == ArchivePoint) is { Point: not null } archive
            && archive.At != expectedAt)
        {
            // The retention period was reconfigured since this job was scheduled: archive by today's period, now or later.
            if (archive.At > now)
            {
                services.GetService<IBackgroundJobClient>()?.Schedule<RequestClockJob>(j => j.RunAsync(caseRef.Value, ArchivePoint, archive.At, CancellationToken.None), archive.At);
                return null;
            }
            expectedAt = archive.At;
        }
        if (!DuePoints(c, s.NodeId, s.ArchiveAfter).Contains((point, expectedAt))) return null;
        var stream = await session.Events.FetchStreamAsync(RequestFile.Stream(caseRef), token: ct);
        if (stream.Select(e => e.Data).OfType<RequestEscalated>().Any(e => e.Escalation == point && e.DueAt == expectedAt)) return null;

        if (point == PreservationExpiry)
            await journal.TakeAsync(scope, file, new Expire(), Actor.System(s.NodeId), now, ct);
        if (point == ArchivePoint)
            await journal.TakeAsync(scope, file, new Archive($"retention: closed for {s.ArchiveAfter.TotalDays:0} days"), Actor.System(s.NodeId), now, ct);
        var roles = point switch
        {
            "reminder" => c.SideOf(s.NodeId) == CaseSide.Requested ? [Roles.CaseHandler] : new[] { Roles.Officer },
            "alert" or "overdue" => [Roles.Supervisor, Roles.DutyOfficer],
            ValidationDue => [Roles.Supervisor, Roles.Validator],
            ArchivePoint => [Roles.Auditor],
            AcknowledgementDue => c.SideOf(s.NodeId) == CaseSide.Requested ? [Roles.DutyOfficer, Roles.Supervisor] : new[] { Roles.Officer },
            _ => c.SideOf(s.NodeId) == CaseSide.Requested ? [Roles.CaseHandler, Roles.DutyOfficer] : [Roles.Officer, Roles.Supervisor],
        };
        var notified = s.PeopleWith(roles);
        // The requesting side is the one waiting: at 100 % it reminds the peer with a signed message.
        if (point == "overdue" && c.SideOf(s.NodeId) == CaseSide.Requesting)
        {
            var body = JsonSerializer.SerializeToElement(new RequestReminder(caseRef.Value, expectedAt, now), RequestJson.Options);
            await sender.SendAsync(conn, tx, new OutgoingMessage(RequestMessaging.Kind, RequestMessaging.ReminderType, [c.RequestedNode], body,
                CaseJournal.MessageLifetime, $"{caseRef}/reminder/{expectedAt.ToUnixTimeSeconds()}"), ct);
            notified.Add(c.RequestedNode.ToUri());
        }
        var escalated = new RequestEscalated(caseRef.Value, point, expectedAt, now, notified);
        session.Events.Append(RequestFile.Stream(caseRef), escalated);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return escalated;
    }
}

/// <summary>The body of a signed overdue reminder: which case, when it was due, when the reminder was sent.</summary>
public sealed record RequestReminder(string Case, DateTimeOffset DueAt, DateTimeOffset SentAt);

/// <summary>Hangfire adapter for <see cref="RequestEscalation.FireAsync"/>; takes ids only and is safe to run twice.</summary>
public sealed class RequestClockJob(RequestEscalation escalation, TimeProvider time)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(string caseRef, string point, DateTimeOffset at, CancellationToken ct) =>
        await escalation.FireAsync(CaseRef.Parse(caseRef), point, at, time.GetUtcNow(), ct);
}
