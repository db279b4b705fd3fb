using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Custodian.Hosting;

/// <summary>
/// Validates a token exactly as the JWT bearer handler configured by
/// <see cref="AuthenticationExtensions.AddCustodianAuthentication"/> does — same issuer, audience,
/// lifetime, algorithms and keys (a local key, or the authority's published keys) — for a token that
/// does not arrive in an Authorization header, such as one pasted into the operator login form.
/// </summary>
public static class BearerTokenValidation
{
    /// <summary>The token's principal, or <c>null</c> when no token handler accepts it.</summary>
    public static async Task<ClaimsPrincipal?> ValidateAsync(this JwtBearerOptions options, string token, CancellationToken cancellationToken)
    {
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } manager)
        {
            // As the handler does: the authority's issuer and signing keys join the configured ones.
            var configuration = await manager.GetConfigurationAsync(cancellationToken);
            if (configuration.Issuer is { } issuer)
            {
                parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], issuer];
            }

            parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], .. configuration.SigningKeys];
        }

        foreach (var handler in options.TokenHandlers)
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                return new ClaimsPrincipal(result.ClaimsIdentity);
            }
        }

        return null;
    }
}
