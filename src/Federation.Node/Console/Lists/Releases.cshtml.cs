using Federation.Core.Identity;
using Federation.Core.Releases;
using Federation.Node.Lists;
using Federation.Node.Security;
using Federation.Node.Sync;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Lists;

/// <summary>A list's releases, oldest first: those this node published and those it received from the list's origin.</summary>
public sealed class ReleasesModel(IQuerySession session, ConsoleNavigation navigation) : PageModel
{
    /// <summary>A release, and the event that recorded it (whose log entry an auditor can download a proof of).</summary>
    public sealed record Release(long Version, long Added, long Withdrawn, string ContentSha256, DateTimeOffset Expires, string Source, DateTimeOffset At, Guid EventId);

    public HashList? List { get; private set; }
    public IReadOnlyList<Release> Releases { get; private set; } = [];

    /// <summary>An auditor is offered a proof of each release's log entry.</summary>
    public bool MayProve { get; private set; }

    [BindProperty(SupportsGet = true)] public long? Published { get; set; }

    public async Task<IActionResult> OnGetAsync(string origin, string listId, CancellationToken ct)
    {
        if (!NodeId.TryParse(origin, out _) || !ListId.TryParse(listId, out _)) return NotFound();
        List = await session.LoadAsync<HashList>(HashList.Key(origin, listId), ct);
        if (List is null) return NotFound();
        var events = await session.Events.FetchStreamAsync(HashList.Stream(origin, listId), token: ct);
        Releases = events.Select(e => e.Data switch
        {
            ReleasePublished p => new Release(p.Version, p.Added, p.Withdrawn, p.ContentSha256, p.Expires, p.By, p.At, e.Id),
            ReleaseReceived r => new Release(r.Version, r.Added, r.Withdrawn, r.ContentSha256, r.Expires, r.SignerSubject, r.At, e.Id),
            _ => null,
        }).OfType<Release>().ToList();
        MayProve = await navigation.MayAsync(User, Policies.Auditor);
        return Page();
    }
}
