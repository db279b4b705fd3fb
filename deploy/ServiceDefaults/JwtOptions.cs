using System.ComponentModel.DataAnnotations;
using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>
/// How callers' JSON Web Tokens are validated. In production, set <see cref="Authority"/>
/// (e.g. Entra ID) and the keys come from its metadata; in development and tests a local
/// HMAC-SHA256 signing key is used, from <see cref="SigningKey"/> or <see cref="SigningKeyFile"/>.
/// </summary>
public sealed class JwtOptions : ITokenSigning
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Jwt";

    /// <summary>The expected <c>iss</c>.</summary>
    public string Issuer { get; set; } = TokenDefaults.Issuer;

    /// <summary>The expected <c>aud</c> of tokens for the gRPC gateway.</summary>
    public string Audience { get; set; } = TokenDefaults.Audience;

    /// <summary>
    /// The expected <c>aud</c> of tokens for the Orleans dashboard (the silo's admin endpoint). It differs
    /// from <see cref="Audience"/>, so a token kept in the dashboard's cookie is no good at the gateway, and a
    /// gateway token no good at the dashboard. In production, the dashboard's own app registration.
    /// </summary>
    public string DashboardAudience { get; set; } = TokenDefaults.DashboardAudience;

    /// <summary>
    /// The longest lifetime a token may have, from the earlier of its <c>iat</c> and <c>nbf</c> to its
    /// <c>exp</c>; a longer-lived token, or one with neither <c>iat</c> nor <c>nbf</c>, is refused.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "must be positive, e.g. 12:00:00")]
    public TimeSpan MaximumLifetime { get; set; } = TokenDefaults.MaximumLifetime;

    /// <summary>An OpenID Connect authority whose signing keys are trusted; empty to use a local key.</summary>
    public string Authority { get; set; } = "";

    /// <summary>The local signing key, base64 (at least 32 bytes).</summary>
    [Secret]
    public string SigningKey { get; set; } = "";

    /// <summary>A file holding the local signing key in base64.</summary>
    public string SigningKeyFile { get; set; } = "";

    /// <summary>Development only: create <see cref="SigningKeyFile"/> with a random key when it is missing.</summary>
    public bool CreateSigningKeyIfMissing { get; set; }

    /// <summary>Allowed clock difference between issuer and us.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The local signing key, loaded (and in development created) as configured.</summary>
    public SymmetricSecurityKey ResolveSigningKey()
    {
        if (!string.IsNullOrWhiteSpace(SigningKey))
        {
            return SigningKeys.Parse(SigningKey);
        }

        if (string.IsNullOrWhiteSpace(SigningKeyFile))
        {
            throw new InvalidOperationException("No JWT signing key is configured: set Jwt:Authority, Jwt:SigningKey or Jwt:SigningKeyFile.");
        }

        if (CreateSigningKeyIfMissing)
        {
            SecretFiles.CreateOnce(SigningKeyFile, () => System.Text.Encoding.ASCII.GetBytes(SigningKeys.NewBase64()));
        }

        return SigningKeys.ReadFile(SigningKeyFile);
    }
}
