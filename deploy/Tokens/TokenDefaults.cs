namespace Custodian.Hosting;

/// <summary>
/// The token settings Custodian ships with: what the services' <c>JwtOptions</c> default to,
/// and what <c>custodian token mint</c> mints for unless told otherwise.
/// </summary>
public static class TokenDefaults
{
    /// <summary>The <c>iss</c> of development tokens.</summary>
    public const string Issuer = "custodian-dev";

    /// <summary>The <c>aud</c> of tokens for the gRPC gateway.</summary>
    public const string Audience = "custodian";

    /// <summary>The <c>aud</c> of tokens for the Orleans dashboard (the silo's admin endpoint), which the gateway refuses.</summary>
    public const string DashboardAudience = "custodian-dashboard";

    /// <summary>The longest lifetime a token may have, from the earlier of its <c>iat</c> and <c>nbf</c> to its <c>exp</c>.</summary>
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromHours(12);
}
