using System.Security.Claims;
using Federation.Node.Security;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Node.Console;

/// <summary>The console's menu. Each item names the authorisation policy its page requires, so the menu shows exactly
/// the screens the person may open: the policies are the agency API's, evaluated for this person.</summary>
public sealed class ConsoleNavigation(IAuthorizationService authorization)
{
    public sealed record Item(string TextKey, string Path, string Policy);

    public static readonly IReadOnlyList<Item> Items =
    [
        new("Nav_Home", ConsoleSetup.PathPrefix, Policies.Person),
        new("Nav_Requests", ConsoleSetup.PathPrefix + "/requests", Policies.Person),
        new("Nav_Match", ConsoleSetup.PathPrefix + "/match", Policies.OfficerOrSupervisor),
        new("Nav_Lists", ConsoleSetup.PathPrefix + "/lists", Policies.Person),
        new("Nav_Federation", ConsoleSetup.PathPrefix + "/federation", Policies.Person),
        new("Nav_Audit", ConsoleSetup.PathPrefix + "/audit", Policies.Auditor),
    ];

    public async Task<IReadOnlyList<Item>> VisibleAsync(ClaimsPrincipal user)
    {
        var visible = new List<Item>();
        foreach (var item in Items)
            if (await MayAsync(user, item.Policy)) visible.Add(item);
        return visible;
    }

    /// <summary>Whether the person passes a policy: pages use it to show an action's button only to those allowed.</summary>
    public async Task<bool> MayAsync(ClaimsPrincipal user, string policy) =>
        (await authorization.AuthorizeAsync(user, policy)).Succeeded;
}
