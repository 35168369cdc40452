using Federation.Node.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Federation.Node.Security;

/// <summary>A person whose certificate is fine but whose role does not allow the action gets a problem document
/// naming what is missing, not a bare 403.</summary>
public sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            // The console shows its own HTML page for the bare status (re-executed by the status-code pages).
            if (Console.ConsoleSetup.IsConsole(context))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles);
            await Problems.Write(context, StatusCodes.Status403Forbidden, "role-required", "your role does not allow this",
                $"requires one of: {string.Join(", ", roles)}");
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
