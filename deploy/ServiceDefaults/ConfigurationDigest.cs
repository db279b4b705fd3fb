using Microsoft.Extensions.Configuration;

using System.Security.Cryptography;
using System.Text;

namespace Custodian.Hosting;

/// <summary>
/// A digest of the settings that govern this host's behaviour (every section it binds, see
/// <see cref="BoundSections"/>, and its connection strings; properties marked <see cref="SecretAttribute"/>
/// left out), recorded in the audit trail each time a silo or gateway starts: a configuration change
/// between two starts shows as a new digest.
/// </summary>
public sealed class ConfigurationDigest(IConfiguration configuration, BoundSections bound)
{
    /// <summary>The connection strings' section, read with <c>GetConnectionString</c> rather than bound.</summary>
    public const string ConnectionStrings = "ConnectionStrings";

    /// <summary>The sections the digest covers: the bound ones and <see cref="ConnectionStrings"/>.</summary>
    public IReadOnlyList<string> Sections => [.. bound.Sections, ConnectionStrings];

    /// <summary><c>sha256:</c> and the first 32 hex digits of SHA-256 over the sorted <c>key=value</c> lines.</summary>
    public string Value()
    {
        var lines = Sections
            .SelectMany(section => configuration.GetSection(section).AsEnumerable())
            .Where(pair => pair.Value is not null && !bound.IsSecret(pair.Key))
            .Select(pair => $"{pair.Key}={pair.Value}")
            .Order(StringComparer.Ordinal);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return "sha256:" + Convert.ToHexString(digest, 0, 16).ToLowerInvariant();
    }
}
