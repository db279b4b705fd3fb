using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>Mints tokens signed with the local development key, for the CLI and tests.</summary>
public static class DevelopmentTokens
{
    /// <summary>A signed JWT for <paramref name="principal"/> with the given tenant and roles.</summary>
    public static string Mint(
        ITokenSigning signing,
        string principal,
        string? tenant,
        IEnumerable<string> roles,
        TimeSpan lifetime,
        DateTimeOffset? now = null)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new List<Claim> { new(CustodianClaims.Subject, principal) };
        if (!string.IsNullOrEmpty(tenant))
        {
            claims.Add(new Claim(CustodianClaims.Tenant, tenant));
        }

        claims.AddRange(roles.Select(r => new Claim(CustodianClaims.Roles, r)));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = signing.Issuer,
            Audience = signing.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(signing.ResolveSigningKey(), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
