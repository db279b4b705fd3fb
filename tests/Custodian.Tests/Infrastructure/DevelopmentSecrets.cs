namespace Custodian.Tests.Infrastructure;

/// <summary>The settings of the secrets both hosts need (cluster certificate, JWT signing key, audit key), created in a folder on first use.</summary>
public static class DevelopmentSecrets
{
    /// <summary>The settings, with every file in <paramref name="folder"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> In(string folder) =>
    [
        new("ClusterTls:Certificate:Path", Path.Combine(folder, "cluster.pfx")),
        new("ClusterTls:Certificate:CreateIfMissing", "true"),
        new("Jwt:SigningKeyFile", Path.Combine(folder, "jwt.key")),
        new("Jwt:CreateSigningKeyIfMissing", "true"),
        new("Audit:KeyFile", Path.Combine(folder, "audit.key")),
        new("Audit:CreateKeyIfMissing", "true"),
    ];
}
