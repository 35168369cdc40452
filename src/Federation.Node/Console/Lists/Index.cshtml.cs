using Federation.Node.Hosting;
using Federation.Node.Lists;
using Federation.Node.Security;
using Marten;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Lists;

/// <summary>The catalogue: every list this node holds, its own and its peers'.</summary>
public sealed class IndexModel(IQuerySession session, NodeSettingsMonitor settings, ConsoleNavigation navigation) : PageModel
{
    public IReadOnlyList<HashList> Lists { get; private set; } = [];
    public string OwnNode { get; private set; } = "";
    public bool MayPublish { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Lists = await session.Query<HashList>().OrderBy(l => l.Id).ToListAsync(ct);
        OwnNode = settings.Current.NodeId.Value;
        MayPublish = await navigation.MayAsync(User, Policies.OfficerOrOperator);
    }
}
