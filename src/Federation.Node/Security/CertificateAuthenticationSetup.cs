using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Pki;
using Federation.Node.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.Options;

namespace Federation.Node.Security;

/// <summary>
/// Two certificate schemes on the stock handler: "peer" for the federation face and "person" for the agency face.
/// The handler builds the chain against the face's CAs (custom root trust only, clientAuth, validity); our
/// <see cref="ClientCertificatePolicy"/> then binds the identity to its own pinned CA and the current configuration.
/// It runs on every request: no certificate cache.
/// </summary>
public static class CertificateAuthenticationSetup
{
    public const string PeerScheme = "peer";
    public const string PersonScheme = "person";
    public const string FaceScheme = "face";
    public const string ReasonItem = "federation.rejection";

    public static IServiceCollection AddNodeAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(FaceScheme)
            .AddPolicyScheme(FaceScheme, "by listener", o => o.ForwardDefaultSelector = ctx =>
                NodeFaces.Of(ctx) == NodeFace.Agency ? PersonScheme : PeerScheme)
            .AddCertificate(PeerScheme, o => Configure(o, NodeFace.Federation))
            .AddCertificate(PersonScheme, o => Configure(o, NodeFace.Agency));
        services.AddSingleton<IConfigureOptions<CertificateAuthenticationOptions>, TrustStoreFromSettings>();
        // Rebuild the schemes' trust stores when the configuration reloads (peers added or removed).
        services.AddSingleton<IOptionsChangeTokenSource<CertificateAuthenticationOptions>>(new ConfigurationChangeTokenSource<CertificateAuthenticationOptions>(PeerScheme, configuration));
        services.AddSingleton<IOptionsChangeTokenSource<CertificateAuthenticationOptions>>(new ConfigurationChangeTokenSource<CertificateAuthenticationOptions>(PersonScheme, configuration));

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Peer, p => p.AddAuthenticationSchemes(PeerScheme).RequireClaim(ClientCertificatePolicy.PeerClaim))
            .AddPolicy(Policies.Person, p => p.AddAuthenticationSchemes(PersonScheme).RequireClaim(ClientCertificatePolicy.PersonClaim))
            .AddPolicy(Policies.Operator, p => p.AddAuthenticationSchemes(PersonScheme).RequireRole(Roles.Operator))
            .AddPolicy(Policies.OperatorOrAuditor, p => p.AddAuthenticationSchemes(PersonScheme).RequireRole(Roles.Operator, Roles.Auditor))
            .AddPolicy(Policies.OfficerOrOperator, p => p.AddAuthenticationSchemes(PersonScheme).RequireRole(Roles.Officer, Roles.Operator))
            .AddPolicy(Policies.Auditor, p => p.AddAuthenticationSchemes(PersonScheme).RequireRole(Roles.Auditor))
            .AddPolicy(Policies.OfficerOrSupervisor, p => p.AddAuthenticationSchemes(PersonScheme).RequireRole(Roles.Officer, Roles.Supervisor))
            .AddPolicy(Policies.Officer, p => p.AddAuthenticationSchemes(PersonScheme).RequireRole(Roles.Officer));
        return services;
    }

    private static void Configure(CertificateAuthenticationOptions o, NodeFace face)
    {
        o.AllowedCertificateTypes = CertificateTypes.Chained;
        o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        o.RevocationMode = X509RevocationMode.NoCheck; // the operator's CRL is checked by ClientCertificatePolicy
        o.ValidateCertificateUse = true;
        o.ValidateValidityPeriod = true;
        o.Events = new CertificateAuthenticationEvents
        {
            OnCertificateValidated = ctx =>
            {
                var settings = ctx.HttpContext.RequestServices.GetRequiredService<NodeSettingsMonitor>().Current;
                var now = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                var log = ctx.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Node.Security");
                if (face == NodeFace.Federation)
                {
                    var (check, peer) = ClientCertificatePolicy.AuthorizePeer(settings, ctx.ClientCertificate, now);
                    if (!check.Accepted) { Refuse(ctx, log, face, check); return Task.CompletedTask; }
                    ctx.Principal = new ClaimsPrincipal(new ClaimsIdentity(
                        [new Claim(ClientCertificatePolicy.PeerClaim, peer!.Value.Value), new Claim(ClaimTypes.Name, peer.Value.Value)], ctx.Scheme.Name));
                }
                else
                {
                    var (check, person, roles) = ClientCertificatePolicy.AuthorizePerson(settings, ctx.ClientCertificate, now);
                    if (!check.Accepted) { Refuse(ctx, log, face, check); return Task.CompletedTask; }
                    var claims = new List<Claim> { new(ClientCertificatePolicy.PersonClaim, person!), new(ClaimTypes.Name, person!) };
                    claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
                    ctx.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, ctx.Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
                }
                ctx.Success();
                return Task.CompletedTask;
            },
            OnChallenge = ctx => WriteRefusal(ctx.HttpContext, face, ctx),
        };
    }

    private static void Refuse(CertificateValidatedContext ctx, ILogger log, NodeFace face, CertificateCheck check)
    {
        ctx.HttpContext.Items[ReasonItem] = check;
        log.LogWarning("Refused {Face} request from {Subject}: {Reason} ({Detail})", face, ctx.ClientCertificate.Subject, check.Reason, check.Detail);
        ctx.Fail(check.Reason!);
    }

    /// <summary>A 403 problem (RFC 9457) naming the reason. When the stock handler refused before our policy ran
    /// (chain, usage, validity, no certificate), the policy is run once more to name the precise reason.</summary>
    private static async Task WriteRefusal(HttpContext http, NodeFace face, CertificateChallengeContext ctx)
    {
        ctx.HandleResponse();
        if (http.Items[ReasonItem] is not CertificateCheck check)
        {
            var settings = http.RequestServices.GetRequiredService<NodeSettingsMonitor>().Current;
            var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            var cert = http.Connection.ClientCertificate;
            check = face == NodeFace.Federation
                ? ClientCertificatePolicy.AuthorizePeer(settings, cert, now).Check
                : ClientCertificatePolicy.AuthorizePerson(settings, cert, now).Check;
            if (check.Accepted) check = CertificateCheck.Refused(RejectionReasons.ChainUntrusted, "the certificate did not validate");
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Node.Security")
                .LogWarning("Refused {Face} request from {Subject}: {Reason} ({Detail})", face, cert?.Subject ?? "(no certificate)", check.Reason, check.Detail);
        }
        await Problems.Write(http, StatusCodes.Status403Forbidden, check.Reason!, "client certificate refused", check.Detail);
    }

    /// <summary>Fills each scheme's custom trust store from the current settings (all peer CAs, or our own CA).</summary>
    private sealed class TrustStoreFromSettings(NodeSettingsMonitor settings) : IConfigureNamedOptions<CertificateAuthenticationOptions>
    {
        public void Configure(string? name, CertificateAuthenticationOptions options)
        {
            var current = settings.Current;
            options.CustomTrustStore.Clear();
            if (name == PeerScheme)
                foreach (var p in current.Peers.Values) options.CustomTrustStore.Add(p.Anchor.Ca);
            else if (name == PersonScheme)
                options.CustomTrustStore.Add(current.OwnAnchor.Ca);
        }

        public void Configure(CertificateAuthenticationOptions options) => Configure(Options.DefaultName, options);
    }
}

public static class Policies
{
    public const string Peer = "peer";
    public const string Person = "person";
    public const string Operator = "operator";
    public const string OperatorOrAuditor = "operator-or-auditor";
    public const string OfficerOrOperator = "officer-or-operator";
    public const string Auditor = "auditor";
    public const string OfficerOrSupervisor = "officer-or-supervisor";
    public const string Officer = "officer";
}
